/**
 * `tts-aws-iot verify` against the embedded default, run as a child process: a synthetic uplink goes
 * through the deployment (rule, upstream workflow, thing, shadow) and the test thing is gone afterwards;
 * a stack no rule listens to fails at the execution stage, and cleanup still runs.
 */
import { DeleteThingCommand, IoTClient, ListThingsCommand } from "@aws-sdk/client-iot";
import {
  DeleteThingShadowCommand,
  GetThingShadowCommand,
  IoTDataPlaneClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-iot-data-plane";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { clientConfig } from "../../functions/runtime/aws-clients.ts";
import { startNode } from "../../local/harness/node-process.ts";
import { StateMachineDoesNotExistError } from "../../local/workflows/runner.ts";
import { useTestRuntime } from "../support/local-runtime.ts";
import { againstRuntime, OPERATOR_CLI, runOperatorCli } from "../support/operator-cli.ts";

const ctx = useTestRuntime({ devices: 0 });
afterEach(() => vi.restoreAllMocks());
const clients: { iot?: IoTClient; iotData?: IoTDataPlaneClient } = {};
afterAll(() => {
  clients.iot?.destroy();
  clients.iotData?.destroy();
});

function verify(stackName: string, ...extra: string[]) {
  const target = againstRuntime(ctx.runtime, stackName);
  return runOperatorCli(["verify", ...target.args, ...extra], target.env);
}

/** Every thing in the registry whose name says it is a verify test device. */
async function testThings(): Promise<string[]> {
  clients.iot ??= new IoTClient(clientConfig(ctx.runtime.sdkEnvironment));
  const { things = [] } = await clients.iot.send(new ListThingsCommand({}));
  return things.map((thing) => thing.thingName ?? "").filter((name) => name.includes("_verify-"));
}

async function shadowOf(thingName: string): Promise<unknown> {
  clients.iotData ??= new IoTDataPlaneClient(clientConfig(ctx.runtime.sdkEnvironment));
  try {
    return await clients.iotData.send(new GetThingShadowCommand({ thingName, shadowName: "lorawan" }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

interface Report {
  ok: boolean;
  device: { deviceId: string; thingName: string; topic: string };
  failedStage?: string;
  stages: { stage: string; status: string; durationMs: number; detail: string; hint?: string }[];
}

describe("tts-aws-iot verify", () => {
  it("passes every stage on a healthy deployment and leaves no test thing behind", async () => {
    const run = await verify("e2e", "--mqtt-url", ctx.runtime.urls.mqtt);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[1]).toMatch(/^test device verify-[a-z0-9]+-[0-9a-f]{8} \(thing e2e_verify-[a-z0-9]+-[0-9a-f]{8}\)$/);
    expect(lines.slice(2, -1).map((line) => line.split(/\s+/).slice(0, 2))).toEqual([
      ["✓", "publish"],
      ["✓", "execution"],
      ["✓", "thing"],
      ["✓", "shadow"],
      ["✓", "republish"],
      ["✓", "cleanup"],
    ]);
    expect(run.stdout).toMatch(
      /^✓ republish\s+\S+\s+the uplink arrived unchanged on lorawan\/e2e_verify-\S+\/uplink$/m,
    );
    expect(run.stdout).toMatch(/^✓ execution\s+\S+\s+uplink-\S+ succeeded/m);
    expect(run.stdout).toMatch(/^✓ cleanup\s+\S+\s+deleted the lorawan shadow and thing e2e_verify-/m);
    expect(lines.at(-1)).toMatch(/^all stages passed in \S+$/);
    expect(await testThings()).toEqual([]);
  });

  it("--keep leaves the thing and its shadow, holding the uplink's values; --json says so", async () => {
    const run = await verify("e2e", "--keep", "--json");
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.ok).toBe(true);
    expect(report.stages.map((stage) => [stage.stage, stage.status])).toEqual([
      ["publish", "passed"],
      ["execution", "passed"],
      ["thing", "passed"],
      ["shadow", "passed"],
      ["republish", "skipped"],
      ["cleanup", "skipped"],
    ]);
    expect(report.stages.find((stage) => stage.stage === "republish")?.detail).toMatch(/^not checked: no broker/);
    const { thingName, deviceId } = report.device;
    expect(await testThings()).toEqual([thingName]);
    const shadow = (await shadowOf(thingName)) as { payload: Uint8Array };
    const reported = (JSON.parse(new TextDecoder().decode(shadow.payload)) as { state: { reported: unknown } }).state
      .reported;
    expect(reported).toMatchObject({ gatewayIds: ["tts-aws-iot-verify"], rssi: -42, fCntUp: 1, dataRate: "SF7BW125" });
    expect(deviceId).toMatch(/^verify-/);
    // Clean up what --keep left, with the commands' own SDK calls.
    await clients.iotData!.send(new DeleteThingShadowCommand({ thingName, shadowName: "lorawan" }));
    await clients.iot!.send(new DeleteThingCommand({ thingName }));
    expect(await testThings()).toEqual([]);
  });

  it("fails at the republish stage, naming it, when the broker to watch on is not there", async () => {
    const run = await verify("e2e", "--mqtt-url", "mqtt://127.0.0.1:9", "--json");
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.failedStage).toBe("republish");
    expect(report.stages.map((stage) => [stage.stage, stage.status])).toEqual([
      ["publish", "passed"],
      ["execution", "passed"],
      ["thing", "passed"],
      ["shadow", "passed"],
      ["republish", "failed"],
      ["cleanup", "passed"],
    ]);
    expect(report.stages[4]!.detail).toMatch(
      /^could not subscribe to lorawan\/e2e_verify-\S+\/uplink at mqtt:\/\/127\.0\.0\.1:9: /,
    );
    expect(await testThings()).toEqual([]);
  });

  it("fails at the execution stage when no rule listens to the stack's topic, and still cleans up", async () => {
    const started = Date.now();
    const run = await verify("nobody-listens", "--timeout", "3");
    expect(run.code, run.stderr).toBe(1);
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(run.stdout).toMatch(/^✓ publish\s/m);
    expect(run.stdout).toMatch(/^✗ execution\s+\S+\s+log group \/aws\/vendedlogs\/states\/nobody-listens-upstream/m);
    expect(run.stdout).toMatch(/^ {4}hint: is nobody-listens the right stack\?/m);
    expect(run.stdout).toMatch(/^- thing\s+skipped: an earlier stage failed$/m);
    expect(run.stdout).toMatch(/^- shadow\s+skipped: an earlier stage failed$/m);
    expect(run.stdout).toMatch(/^- republish\s+skipped: an earlier stage failed$/m);
    expect(run.stdout).toMatch(/^✓ cleanup\s+\S+\s+nothing to delete: no test thing was made$/m);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("stage execution failed (cleanup ran)");
    expect(await testThings()).toEqual([]);
  });

  it("times out at the execution stage when no execution starts, names the rule to check, and cleans up", async () => {
    // The rule matches but its workflow never starts (the rule's action fails: the message is dead-lettered).
    vi.spyOn(ctx.runtime.workflows, "start").mockImplementation(() => {
      throw new StateMachineDoesNotExistError("State Machine Does Not Exist: e2e-upstream");
    });
    const run = await verify("e2e", "--timeout", "3", "--json");
    vi.restoreAllMocks();
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.failedStage).toBe("execution");
    const execution = report.stages.find((stage) => stage.stage === "execution")!;
    expect(execution.detail).toBe(`no upstream execution for ${report.device.deviceId} logged within 3.0s`);
    expect(execution.durationMs).toBeGreaterThanOrEqual(2_000);
    expect(execution.hint).toMatch(
      /^is topic rule tts_e2e_uplink there and enabled \(npx tts-aws-iot doctor --endpoint-url /,
    );
    expect(report.stages.at(-1)).toMatchObject({ stage: "cleanup", status: "passed" });
    expect(await testThings()).toEqual([]);
  });

  it("stops waiting on SIGINT and still cleans up", async () => {
    vi.spyOn(ctx.runtime.workflows, "start").mockImplementation(() => {
      throw new StateMachineDoesNotExistError("State Machine Does Not Exist: e2e-upstream");
    });
    const target = againstRuntime(ctx.runtime);
    const child = startNode(OPERATOR_CLI, ["verify", "--timeout", "120", "--json", ...target.args], target.env);
    const before = ctx.runtime.ruleFailures.length;
    // Interrupt once the uplink was published (its rule's start failed).
    await expect.poll(() => ctx.runtime.ruleFailures.length, { timeout: 20_000 }).toBeGreaterThan(before);
    const interruptedAt = Date.now();
    expect(await child.stop("SIGINT")).toBe(1);
    expect(Date.now() - interruptedAt).toBeLessThan(10_000);
    const report = JSON.parse(child.output().stdout) as Report;
    expect(report.failedStage).toBe("execution");
    expect(report.stages[1]!.detail).toBe(`no upstream execution for ${report.device.deviceId} logged (interrupted)`);
    expect(report.stages.at(-1)).toMatchObject({ stage: "cleanup", status: "passed" });
  });

  it("exits 2 on a bad --timeout", async () => {
    const run = await verify("e2e", "--timeout", "0");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--timeout 0: expected seconds, 1 to 900");
  });
});

describe("tts-aws-iot verify, shadow updates off", () => {
  const quiet = useTestRuntime({ devices: 0, shadowMetrics: "off" });

  it("fails at the shadow stage, hints at SHADOW_METRICS, and deletes the thing the run made", async () => {
    const target = againstRuntime(quiet.runtime);
    const run = await runOperatorCli(["verify", "--timeout", "3", ...target.args], target.env);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^✓ execution\s/m);
    expect(run.stdout).toMatch(/^✓ thing\s/m);
    expect(run.stdout).toMatch(/^✗ shadow\s+\S+\s+lorawan shadow of e2e_verify-\S+ within 3\.0s: no lorawan shadow$/m);
    expect(run.stdout).toMatch(
      /^ {4}hint: is update-shadow's SHADOW_METRICS off\? npx tts-aws-iot executions show uplink-/m,
    );
    expect(run.stdout).toMatch(/^✓ cleanup\s+\S+\s+deleted thing e2e_verify-\S+$/m);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("stage shadow failed (cleanup ran)");
    const iot = new IoTClient(clientConfig(quiet.runtime.sdkEnvironment));
    const { things = [] } = await iot.send(new ListThingsCommand({}));
    iot.destroy();
    expect(things).toEqual([]);
  });
});
