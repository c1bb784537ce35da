/**
 * Durable acceptance: the broker acknowledges a QoS 1 publish only once the workflow start it asks
 * for is on disk, holds acknowledgements while the backlog is full, and a runtime killed with
 * kill -9 or stopped with SIGTERM runs every acknowledged message after its next start (at least
 * once: AWS IoT's rules engine and Step Functions' StartExecution also deliver at least once).
 * Real runtime processes, real MQTT clients, 127.0.0.1 only, a few hundred messages.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { IoTDataPlaneClient, PublishCommand } from "@aws-sdk/client-iot-data-plane";
import { describe, expect, it } from "vitest";
import { LOCAL_CREDENTIALS } from "../../local/aws/local-account.ts";
import { temporaryDataDir } from "../../local/harness/embedded-runtime.ts";
import { connect } from "../../local/harness/mqtt-client.ts";
import { type RuntimeProcess, startRuntimeProcess } from "../../local/harness/runtime-process.ts";
import { executedUplinks, joinedDevices, publishUplinks, uplinkKey } from "../../local/harness/uplink-ledger.ts";
import type { ExecutionSummary } from "../../local/workflows/runner.ts";
import { startTestRuntime } from "../support/local-runtime.ts";

const STACK = "e2e";
const BACKLOG = 40;
const PROCESS_ARGS = ["--max-backlog", String(BACKLOG), "--max-executions", "5000"];
const EXECUTION_LINE = /^\d\d:\d\d:\d\d\.\d{3} {2}upstream /gm;

/** Acknowledged uplinks without an execution: republished before the stop, or run after the restart. */
async function lostAfterRestart(
  second: RuntimeProcess,
  acked: ReadonlySet<string>,
  republishedBefore: ReadonlySet<string>,
): Promise<string[]> {
  const missing = async () => {
    const executed = new Set([...republishedBefore, ...(await executedUplinks(second.urls.aws, STACK))]);
    return [...acked].filter((key) => !executed.has(key));
  };
  const deadline = Date.now() + 60_000;
  let lost = await missing();
  while (lost.length > 0 && Date.now() < deadline) {
    await sleep(500);
    lost = await missing();
  }
  return lost;
}

async function stopWithSigterm(runtime: RuntimeProcess): Promise<{ code: number | null; summary: string }> {
  runtime.child.kill("SIGTERM");
  const { code } = await runtime.exited;
  return { code, summary: /^Stopped: .*$/m.exec(runtime.stdout())?.[0] ?? "" };
}

async function republishedUplinks(mqttUrl: string): Promise<Set<string>> {
  const app = await connect(mqttUrl, "application");
  app.on("error", () => undefined);
  const keys = new Set<string>();
  app.on("message", (_, payload) => keys.add(uplinkKey(JSON.parse(payload.toString()))));
  await app.subscribeAsync("lorawan/+/uplink", { qos: 1 });
  return keys;
}

/**
 * A runtime process under QoS 1 load from 30 devices, sent `signal` once `stopAt` uplinks are
 * acknowledged; resolves once it has exited, with what was acknowledged and republished before.
 */
async function stoppedUnderLoad(
  dataDir: string,
  options: { seed: number; window: number; stopAt: number; signal: NodeJS.Signals },
) {
  const runtime = await startRuntimeProcess({ dataDir, stackName: STACK, args: PROCESS_ARGS });
  const republished = await republishedUplinks(runtime.urls.mqtt);
  const tts = await connect(runtime.urls.mqtt, `thethings-${STACK}`);
  tts.on("error", () => undefined);
  const publisher = publishUplinks(tts, {
    stackName: STACK,
    devices: joinedDevices({ count: 30, stackName: STACK, seed: options.seed }),
    count: 400,
    window: options.window,
    onAck: (acked) => {
      if (acked === options.stopAt) runtime.child.kill(options.signal);
    },
  });
  // Publishing goes on until the runtime is gone or refuses and closes the connection.
  await publisher.finished;
  const exit = await runtime.exited;
  tts.end(true);
  return { runtime, exit, acked: publisher.acked, republished };
}

describe("durable acceptance", () => {
  it("runs every uplink it acknowledged before a kill -9, after the next start", { timeout: 180_000 }, async () => {
    const dataDir = temporaryDataDir();
    let second: RuntimeProcess | undefined;
    try {
      const killAt = 80 + Math.floor(Math.random() * 120);
      const first = await stoppedUnderLoad(dataDir.path, { seed: 11, window: 60, stopAt: killAt, signal: "SIGKILL" });
      expect(first.exit.signal).toBe("SIGKILL");
      expect(first.acked.size).toBeGreaterThanOrEqual(killAt);

      second = await startRuntimeProcess({ dataDir: dataDir.path, stackName: STACK, args: PROCESS_ARGS });
      expect(await lostAfterRestart(second, first.acked, first.republished)).toEqual([]);
      const { code } = await stopWithSigterm(second);
      expect(code).toBe(0);
    } finally {
      second?.child.kill("SIGKILL");
      dataDir.remove();
    }
  });

  it("stops on SIGTERM under QoS 1 load with exit code 0, no execution failing, and the rest run after the next start", {
    timeout: 180_000,
  }, async () => {
    const dataDir = temporaryDataDir();
    let second: RuntimeProcess | undefined;
    try {
      const first = await stoppedUnderLoad(dataDir.path, {
        seed: 12,
        window: 2 * BACKLOG,
        stopAt: 120,
        signal: "SIGTERM",
      });
      expect(first.exit).toEqual({ code: 0, signal: null });
      const stdout = first.runtime.stdout();
      const summary = /^Stopped: drained (\d+) executions, (\d+) left queued for the next start;/m.exec(stdout);
      expect(summary).not.toBeNull();
      const leftQueued = Number(summary![2]);
      expect(stdout).not.toMatch(/FAILED|ECONNREFUSED/);
      expect(first.runtime.stderr()).not.toMatch(/ECONNREFUSED/);

      second = await startRuntimeProcess({ dataDir: dataDir.path, stackName: STACK, args: PROCESS_ARGS });
      expect(await lostAfterRestart(second, first.acked, first.republished)).toEqual([]);
      // What was left queued runs, once each, and nothing more.
      await expect
        .poll(() => second!.stdout().match(EXECUTION_LINE)?.length ?? 0, { timeout: 30_000 })
        .toBe(leftQueued);
      const { code, summary: secondSummary } = await stopWithSigterm(second);
      expect(code).toBe(0);
      expect(secondSummary).toMatch(/^Stopped: drained 0 executions, 0 left queued for the next start;/);
      expect(second.stdout()).not.toMatch(/FAILED/);
    } finally {
      second?.child.kill("SIGKILL");
      dataDir.remove();
    }
  });

  it("holds acknowledgements while the backlog is full, instead of queueing in memory", {
    timeout: 60_000,
  }, async () => {
    const dataDir = temporaryDataDir();
    const finished: ExecutionSummary[] = [];
    const runtime = await startTestRuntime(
      { dataDir: dataDir.path, maxBacklog: 5 },
      { onExecution: (summary) => finished.push(summary) },
    );
    try {
      const tts = await connect(runtime.urls.mqtt, `thethings-${STACK}`);
      const devices = joinedDevices({ count: 6, stackName: STACK, seed: 13 });
      let maxAhead = 0;
      let maxBacklog = 0;
      // All sent at once: only the broker's held acknowledgements keep the backlog at 5.
      const publisher = publishUplinks(tts, {
        stackName: STACK,
        devices,
        count: 60,
        window: 60,
        onAck: (acked) => {
          maxAhead = Math.max(maxAhead, acked - finished.length);
          maxBacklog = Math.max(maxBacklog, runtime.inbox.backlog.messages);
        },
      });
      await publisher.finished;
      expect(publisher.acked.size).toBe(60);
      expect(maxAhead).toBeLessThanOrEqual(5);
      expect(maxBacklog).toBeLessThanOrEqual(5);
      await runtime.workflows.idle();
      expect(finished.filter((summary) => summary.status === "SUCCEEDED")).toHaveLength(60);
      await tts.endAsync();
    } finally {
      await runtime.close();
      dataDir.remove();
    }
  });

  it("answers a data-plane Publish a rule takes once it is recorded, and refuses it once stopping", async () => {
    const dataDir = temporaryDataDir();
    const finished: ExecutionSummary[] = [];
    const runtime = await startTestRuntime(
      { dataDir: dataDir.path },
      { onExecution: (summary) => finished.push(summary) },
    );
    const iotData = new IoTDataPlaneClient({
      endpoint: runtime.urls.aws,
      region: runtime.aws.region,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    const [device] = joinedDevices({ count: 1, stackName: STACK, seed: 14 });
    const uplink = (topic: string) =>
      iotData.send(new PublishCommand({ topic, qos: 1, payload: Buffer.from(JSON.stringify(device!.uplink())) }));
    try {
      await uplink(`thethings/lorawan/${STACK}/uplink`);
      // Answered: in the inbox, or already run.
      expect(runtime.inbox.backlog.messages + finished.length).toBeGreaterThanOrEqual(1);
      runtime.inbox.stopAccepting();
      // Publish's documented errors (AWS IoT Data Plane API Reference, Publish): InternalFailureException
      // "An unexpected error has occurred", HTTP 500 — the one that fits a broker going away.
      await expect(uplink(`thethings/lorawan/${STACK}/uplink`)).rejects.toMatchObject({
        name: "InternalFailureException",
        $metadata: { httpStatusCode: 500 },
      });
      // What no rule takes (the draining executions' own publishes) still goes out.
      await uplink("lorawan/some-thing/uplink");
    } finally {
      iotData.destroy();
      await runtime.close();
      dataDir.remove();
    }
  });
});
