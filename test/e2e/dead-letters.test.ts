/**
 * A rule that cannot start its workflow dead-letters the message, and the AWS CLI inspects and drains the
 * local queue with the same commands as on AWS (README "Dead letters"). Expected message: AWS IoT Core
 * Developer Guide, "Error handling (error action)", Error action message format.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { connect } from "../../local/harness/mqtt-client.ts";
import { StateMachineDoesNotExistError } from "../../local/workflows/runner.ts";
import { useTestRuntime } from "../support/local-runtime.ts";

const run = promisify(execFile);
const ctx = useTestRuntime();
afterEach(() => vi.restoreAllMocks());

/** Each call starts the Python AWS CLI: seconds apiece on a loaded machine, hence the tests' long timeouts. */
/** Async on purpose: a synchronous child would block the event loop the endpoint answers on. */
async function aws(...args: string[]): Promise<string> {
  const { stdout } = await run("aws", ["--endpoint-url", ctx.runtime.urls.aws, ...args], {
    env: { ...process.env, ...ctx.runtime.sdkEnvironment, AWS_DEFAULT_REGION: ctx.runtime.aws.region },
    encoding: "utf8",
  });
  return stdout;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("dead letters", () => {
  it("puts a message whose workflow cannot start in <state machine>-rules-dlq, drained with aws sqs", {
    timeout: 120_000,
  }, async () => {
    vi.spyOn(ctx.runtime.workflows, "start").mockImplementation(() => {
      throw new StateMachineDoesNotExistError("State Machine Does Not Exist: e2e-upstream");
    });
    const uplink = JSON.stringify({ end_device_ids: { device_id: "dev1" }, uplink_message: { f_port: 1 } });
    const tts = await connect(ctx.runtime.urls.mqtt, "thethings-e2e");
    await tts.publishAsync("thethings/lorawan/e2e/uplink", uplink, { qos: 1 });
    await tts.endAsync();
    await until(() => ctx.runtime.ruleFailures.length === 1);

    const { QueueUrl } = JSON.parse(await aws("sqs", "get-queue-url", "--queue-name", "e2e-upstream-rules-dlq")) as {
      QueueUrl: string;
    };
    const attributes = async () =>
      JSON.parse(
        await aws(
          "sqs",
          "get-queue-attributes",
          "--queue-url",
          QueueUrl,
          "--attribute-names",
          "ApproximateNumberOfMessages",
          "ApproximateNumberOfMessagesNotVisible",
        ),
      ) as { Attributes: Record<string, string> };
    expect(await attributes()).toEqual({
      Attributes: { ApproximateNumberOfMessages: "1", ApproximateNumberOfMessagesNotVisible: "0" },
    });

    const received = JSON.parse(
      await aws(
        "sqs",
        "receive-message",
        "--queue-url",
        QueueUrl,
        "--max-number-of-messages",
        "10",
        "--wait-time-seconds",
        "2",
      ),
    ) as { Messages: { Body: string; ReceiptHandle: string }[] };
    expect(received.Messages).toHaveLength(1);
    const [message] = received.Messages;
    expect(JSON.parse(message?.Body ?? "")).toEqual({
      ruleName: "tts_e2e_uplink",
      topic: "thethings/lorawan/e2e/uplink",
      cloudwatchTraceId: expect.any(String),
      clientId: "thethings-e2e",
      base64OriginalPayload: Buffer.from(uplink).toString("base64"),
      failures: [
        {
          failedAction: "StepFunctionsAction",
          failedResource: "e2e-upstream",
          errorMessage: expect.stringContaining("State Machine Does Not Exist"),
        },
      ],
    });

    await aws("sqs", "delete-message", "--queue-url", QueueUrl, "--receipt-handle", message?.ReceiptHandle ?? "");
    expect(await attributes()).toEqual({
      Attributes: { ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0" },
    });
  });

  it("answers the AWS CLI with SQS's own error code for a queue that does not exist", { timeout: 60_000 }, async () => {
    await expect(aws("sqs", "get-queue-url", "--queue-name", "e2e-missing-rules-dlq")).rejects.toMatchObject({
      stderr: expect.stringContaining(
        "An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the GetQueueUrl operation",
      ),
    });
  });
});
