/**
 * Closing under traffic (what SIGTERM and Ctrl-C do): the broker stops acknowledging publishes first,
 * every running execution finishes against an endpoint that is still there, then everything closes.
 */
import { describe, expect, it } from "vitest";
import { temporaryDataDir } from "../../local/harness/embedded-runtime.ts";
import { connect } from "../../local/harness/mqtt-client.ts";
import { createSimulatedDevices } from "../../local/tts-simulator/index.ts";
import type { ExecutionSummary } from "../../local/workflows/runner.ts";
import { startTestRuntime } from "../support/local-runtime.ts";

describe("closing under traffic", () => {
  it("finishes every execution it started, none failing on a closed endpoint", { timeout: 60_000 }, async () => {
    const dataDir = temporaryDataDir();
    const executions: ExecutionSummary[] = [];
    const runtime = await startTestRuntime(
      { dataDir: dataDir.path },
      { onExecution: (summary) => executions.push(summary) },
    );
    const tts = await connect(runtime.urls.mqtt, "thethings-e2e");
    tts.on("error", () => undefined);
    const fleet = [...createSimulatedDevices({ count: 20, stackName: "e2e", seed: 3 })];
    try {
      for (const device of fleet)
        await tts.publishAsync("thethings/lorawan/e2e/join", JSON.stringify(device.join()), { qos: 1 });
      // Uplinks keep coming, before, during and after the close, for 1.5 s.
      let round = 0;
      let closingAt = Number.POSITIVE_INFINITY;
      let ackedAfterClosing = 0;
      const stream = setInterval(() => {
        const device = fleet[round++ % fleet.length]!;
        const sentAt = performance.now();
        tts.publish("thethings/lorawan/e2e/uplink", JSON.stringify(device.uplink()), { qos: 1 }, (error) => {
          if (!error && sentAt > closingAt) ackedAfterClosing++;
        });
      }, 2);
      setTimeout(() => clearInterval(stream), 1_500);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const startedBeforeClose = runtime.workflows.running;
      closingAt = performance.now();
      await runtime.close();
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      expect(startedBeforeClose + executions.length).toBeGreaterThan(0);
      expect(executions.filter((execution) => execution.status !== "SUCCEEDED")).toEqual([]);
      // Nothing sent once closing began was acknowledged: the client keeps it and publishes it again.
      expect(ackedAfterClosing).toBe(0);
    } finally {
      tts.end(true);
      await runtime.close();
      dataDir.remove();
    }
  });
});
