import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IOT_MESSAGE_LIMITS } from "../../../functions/core/aws-limits.ts";
import { LOCAL_REGION, SqsQueues } from "../../../local/aws/index.ts";
import { RuleDeadLetters } from "../../../local/runtime/rule-dead-letters.ts";
import type { RuleFailure } from "../../../local/runtime/topic-rules.ts";
import { makeDataDir, removeDataDir } from "../aws/endpoint-fixture.ts";

const ERROR_ACTION_DOC = "AWS IoT Core Developer Guide, Error handling (error action), Error action message format";

const failure = (overrides: Partial<RuleFailure> = {}): RuleFailure => ({
  rule: "tts_s1_uplink",
  workflow: "upstream",
  stage: "action",
  topic: "thethings/lorawan/s1/uplink",
  payload: Buffer.from('{"end_device_ids":{"device_id":"d1"}}'),
  clientId: "thethings-s1",
  error: Object.assign(new Error("State Machine Does Not Exist"), { name: "StateMachineDoesNotExist" }),
  ...overrides,
});

let dataDir: string;
let queues: SqsQueues;
beforeEach(async () => {
  dataDir = await makeDataDir();
  queues = new SqsQueues({ dataDir, region: LOCAL_REGION });
});
afterEach(async () => {
  await queues.flush();
  await removeDataDir(dataDir);
});

function drained(queue: string): unknown[] {
  return queues.receive(queue, 10).map((message) => JSON.parse(message.body));
}

describe("local dead letters", () => {
  it("creates one queue per workflow, named like the deployed one (<state machine>-rules-dlq)", () => {
    new RuleDeadLetters(queues, "s1");
    expect(queues.names()).toEqual(["s1-downlink-rules-dlq", "s1-provisioning-rules-dlq", "s1-upstream-rules-dlq"]);
    expect(queues.settings("s1-upstream-rules-dlq")).toMatchObject({
      retentionSeconds: 1_209_600,
      maxMessageBytes: 262_144,
      visibilityTimeoutSeconds: 30,
    });
  });

  it(`sends a failed start to the workflow's queue in AWS's format (${ERROR_ACTION_DOC})`, () => {
    const deadLetters = new RuleDeadLetters(queues, "s1");
    deadLetters.record(failure());
    const [message, ...rest] = drained("s1-upstream-rules-dlq");
    expect(rest).toEqual([]);
    expect(message).toEqual({
      ruleName: "tts_s1_uplink",
      topic: "thethings/lorawan/s1/uplink",
      cloudwatchTraceId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      clientId: "thethings-s1",
      base64OriginalPayload: Buffer.from('{"end_device_ids":{"device_id":"d1"}}').toString("base64"),
      failures: [
        {
          failedAction: "StepFunctionsAction",
          failedResource: "s1-upstream",
          errorMessage: expect.stringContaining("StateMachineDoesNotExist: State Machine Does Not Exist"),
        },
      ],
    });
    // The fields in the order the guide's example lists them.
    expect(Object.keys(message as object)).toEqual([
      "ruleName",
      "topic",
      "cloudwatchTraceId",
      "clientId",
      "base64OriginalPayload",
      "failures",
    ]);
    expect(drained("s1-downlink-rules-dlq")).toEqual([]);
  });

  it("keeps the original bytes exactly, JSON or not", () => {
    const bytes = Buffer.from([0xff, 0x00, 0x7b]);
    new RuleDeadLetters(queues, "s1").record(failure({ workflow: "downlink", payload: bytes }));
    const [message] = drained("s1-downlink-rules-dlq") as { base64OriginalPayload: string }[];
    expect(Buffer.from(message?.base64OriginalPayload ?? "", "base64")).toEqual(bytes);
  });

  it("names no client as AWS's clientid() does for messages not published over MQTT", () => {
    new RuleDeadLetters(queues, "s1").record(failure({ clientId: undefined }));
    expect(drained("s1-upstream-rules-dlq")).toMatchObject([{ clientId: "n/a" }]);
  });

  it(`does not dead-letter a failed SQL evaluation: AWS logs those, the error action is for actions (${ERROR_ACTION_DOC})`, () => {
    new RuleDeadLetters(queues, "s1").record(failure({ stage: "sql" }));
    expect(queues.counts("s1-upstream-rules-dlq")).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it("fits the largest payload AWS IoT accepts (128 KB) within the queue's 256 KiB message size", () => {
    const payload = Buffer.alloc(IOT_MESSAGE_LIMITS.maxPayloadBytes, 0x61);
    new RuleDeadLetters(queues, "s1").record(failure({ payload }));
    expect(queues.counts("s1-upstream-rules-dlq").visible).toBe(1);
  });

  it("keeps the messages of an earlier run when the queues are created again", async () => {
    new RuleDeadLetters(queues, "s1").record(failure());
    await queues.flush();
    const reopened = new SqsQueues({ dataDir, region: LOCAL_REGION });
    new RuleDeadLetters(reopened, "s1");
    expect(reopened.counts("s1-upstream-rules-dlq").visible).toBe(1);
  });
});
