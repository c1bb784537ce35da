/**
 * Step Functions' payload limit end to end, through the embedded default. AWS documents:
 * - "Step Functions service quotas": maximum input or output size for a task, state, or execution,
 *   256 KiB of data as a UTF-8 encoded string (262,144 bytes);
 * - "Handling errors in Step Functions workflows": States.DataLimitExceeded is a terminal error that
 *   States.ALL cannot catch;
 * - StartExecution API reference: `input`, maximum length 262144 (bytes of UTF-8), so a longer one is
 *   refused with a ValidationException.
 * And AWS IoT Core delivers messages of at most 128 KB ("AWS IoT Core endpoints and quotas").
 */
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { payloadBytes } from "../../functions/core/step-functions-limits.ts";
import { sdkClients } from "../../local/harness/embedded-runtime.ts";
import { uplinkOfSize } from "../../local/harness/large-uplink.ts";
import { connect, recorder } from "../../local/harness/mqtt-client.ts";
import type { ExecutionSummary } from "../../local/workflows/runner.ts";
import { fixture } from "../support/fixtures.ts";
import { useTestRuntime } from "../support/local-runtime.ts";
import { ruleEvent } from "../support/rule-events.ts";

const THING = "0004A30B001C0530";
const LIMIT = 262_144;
const finished: ExecutionSummary[] = [];
const ctx = useTestRuntime({}, { onExecution: (summary) => finished.push(summary) });
let tts: MqttClient;
let app: MqttClient;

beforeAll(async () => {
  tts = await connect(ctx.runtime.urls.mqtt, "thethings-e2e");
  app = await connect(ctx.runtime.urls.mqtt, "application");
});

afterAll(async () => {
  await tts?.endAsync();
  await app?.endAsync();
});

async function executionOf(executionArn: string): Promise<ExecutionSummary> {
  await expect
    .poll(() => finished.some((summary) => summary.executionArn === executionArn), { timeout: 20_000 })
    .toBe(true);
  return finished.find((summary) => summary.executionArn === executionArn)!;
}

/** Starts the upstream workflow the way an operator replaying a message would: StartExecution. */
async function startUpstream(input: unknown): Promise<string> {
  const { sfn } = sdkClients(ctx.runtime);
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: ctx.runtime.workflows.stateMachineArn("upstream"),
      input: JSON.stringify(input),
    }),
  );
  return executionArn!;
}

describe("upstream workflow state size", () => {
  it("republishes a 128 KB uplink (the most IoT Core delivers) byte for byte, its largest state under 256 KB", async () => {
    const uplink = uplinkOfSize(fixture("uplink"), 131_072);
    const received = await recorder(app, `lorawan/${THING}/uplink`);
    const seen = finished.length;

    await tts.publishAsync("thethings/lorawan/e2e/uplink", uplink, { qos: 1 });

    const [message] = await received.waitFor(1);
    expect(message!.payload.equals(uplink)).toBe(true);
    await expect.poll(() => finished.length, { timeout: 20_000 }).toBeGreaterThan(seen);
    const execution = finished[seen]!;
    expect(execution).toMatchObject({ workflow: "upstream", status: "SUCCEEDED" });
    // One base64 copy (174,764 bytes) and the thing's description; two copies would not fit.
    expect(execution.dataSize.maxStateBytes).toBeGreaterThan(174_764);
    expect(execution.dataSize.maxStateBytes).toBeLessThan(174_764 + 4_096);
  });

  it("fails a TTS uplink too large for the workflow's states with InvalidTtsMessage naming the limit, before any state hits it", async () => {
    // 195,000 bytes: its event (260,000 bytes of base64 and the rule's fields) starts, but leaves no room for the thing.
    const input = ruleEvent(uplinkOfSize(fixture("uplink"), 195_000), "thethings/lorawan/e2e/uplink");
    expect(payloadBytes(input)).toBeLessThanOrEqual(LIMIT);

    const execution = await executionOf(await startUpstream(input));

    expect(execution).toMatchObject({ status: "FAILED", error: "InvalidTtsMessage" });
    expect(JSON.parse(execution.cause!).errorMessage).toBe(
      `too large for the upstream workflow: the message is 195000 bytes, its workflow input ${payloadBytes(input)} bytes (base64); at most 258048 fit, as Step Functions limits each state to 262144 bytes`,
    );
    expect(execution.dataSize.maxStateBytes).toBeLessThanOrEqual(LIMIT);
  });

  it("fails a state over 262,144 bytes with States.DataLimitExceeded, which EnsureThing's Catch on States.ALL does not take", async () => {
    // Input 50 bytes under the limit: it starts and enters EnsureThing, whose parameters (the input and the function's ARN) pass it.
    const event = ruleEvent(fixture("uplink"), "thethings/lorawan/e2e/uplink");
    const input = { ...event, padding: "" };
    input.padding = "x".repeat(LIMIT - 50 - payloadBytes(input));
    expect(payloadBytes(input)).toBe(LIMIT - 50);

    const execution = await executionOf(await startUpstream(input));

    expect(execution).toMatchObject({ status: "FAILED", error: "States.DataLimitExceeded" });
    expect(execution.cause).toBe(
      "The state/task 'EnsureThing' has an input with a size exceeding the maximum number of bytes service limit.",
    );
    // Logged: the execution's input and EnsureThing's, nothing after. Had the Catch taken the error,
    // the Failed state's input (the input and the error) would have been logged too.
    expect(execution.dataSize.loggedBytes).toBe(2 * payloadBytes(input));
  });

  it("refuses an execution input over 262,144 bytes at StartExecution with ValidationException", async () => {
    const input = ruleEvent(uplinkOfSize(fixture("uplink"), 200_000), "thethings/lorawan/e2e/uplink");
    expect(payloadBytes(input)).toBeGreaterThan(LIMIT);
    const seen = finished.length;

    await expect(startUpstream(input)).rejects.toMatchObject({
      name: "ValidationException",
      message:
        "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144",
    });
    await ctx.runtime.workflows.idle();
    expect(finished.length).toBe(seen);
  });
});
