/**
 * Every installed AWS CLI (v1 from pip, v2 from Debian's awscli — `.ci/run` installs the latter)
 * against the endpoint: independent clients that sign and parse differently from the JS SDK.
 */
import { execFile, execFileSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { CreateThingCommand } from "@aws-sdk/client-iot";
import { UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { beforeEach, describe, expect, it } from "vitest";
import { ExecutionStore } from "../../local/aws/execution-store.ts";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../../local/aws/local-account.ts";
import type { StepFunctionsBackend } from "../../local/aws/step-functions-backend.ts";
import { FAILED_EXECUTIONS, filterLogEvents, LAST_HOUR } from "../../local/cli/banner.ts";
import { executionLogSource } from "../../local/workflows/execution-log-records.ts";
import { DEAD_LETTER_QUEUE } from "../../workflows/dead-letter-queue.ts";
import { useEndpointFixture } from "../local/aws/endpoint-fixture.ts";

const run = promisify(execFile);
const cliEnv = {
  ...process.env,
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_DEFAULT_REGION: LOCAL_REGION,
  AWS_REGION: LOCAL_REGION,
};

/** Each distinct `aws` on PATH (pyenv shims and the like resolve to different programs). */
function installedClis(): string[] {
  let paths: string[] = [];
  try {
    paths = execFileSync("which", ["-a", "aws"], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  } catch {
    // none: reported by the test below
  }
  const byTarget = new Map(paths.map((path) => [realpathSync(path), path]));
  return [...byTarget.values()];
}

const CLIS = installedClis();

it("finds an AWS CLI to test with", () => {
  expect(CLIS, "no `aws` on PATH: apt-get install awscli (as .ci/run does)").not.toEqual([]);
});

/** An Express state machine like the product's, with one failed execution in its log group. */
const MACHINE = "prod-upstream";
const MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:${MACHINE}`;
const FAILED_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:express:${MACHINE}:uplink-1:6a1f`;
const LOG_GROUP = `/aws/vendedlogs/states/${MACHINE}`;

const DLQ = "prod-upstream-rules-dlq";
const ctx = useEndpointFixture((dataDir) => {
  const executionStore = new ExecutionStore({ dataDir });
  const machines = [
    { name: MACHINE, stateMachineArn: MACHINE_ARN, type: "EXPRESS" as const, creationDate: new Date() },
  ];
  const stepFunctions: StepFunctionsBackend = {
    listStateMachines: () => machines,
    startExecution: () => Promise.reject(new Error("not used")),
  };
  const logs = executionLogSource({
    store: executionStore,
    stateMachines: () => machines,
    logging: { level: "ALL", includeExecutionData: true },
  });
  return { executionStore, stepFunctions, logs };
});
beforeEach(async () => {
  const store = ctx.f.endpoint.executionStore;
  store.started({ executionArn: FAILED_ARN, stateMachineArn: MACHINE_ARN, name: "uplink-1", input: '{"a":1}' });
  store.finished(FAILED_ARN, { status: "FAILED", error: "InvalidTtsMessage", cause: "payload is not UTF-8 JSON" });
  ctx.f.endpoint.sqsQueues.ensure(DLQ, DEAD_LETTER_QUEUE);
  await ctx.f.iot.send(
    new CreateThingCommand({ thingName: "sensor-1", attributePayload: { attributes: { stackName: "prod" } } }),
  );
  await ctx.f.iotData.send(
    new UpdateThingShadowCommand({
      thingName: "sensor-1",
      shadowName: "lorawan",
      payload: Buffer.from('{"state":{"reported":{"battery":90}}}'),
    }),
  );
});

describe.each(CLIS)("%s", (cli) => {
  /** Async on purpose: a synchronous child would block the event loop the endpoint answers on. */
  async function aws(...args: string[]): Promise<string> {
    const { stdout } = await run(cli, ["--endpoint-url", ctx.f.endpoint.url, ...args], {
      env: cliEnv,
      encoding: "utf8",
    });
    return stdout;
  }

  it("lists things by attribute, as the banner's command does", async () => {
    const listed = JSON.parse(
      await aws("iot", "list-things", "--attribute-name", "stackName", "--attribute-value", "prod"),
    ) as {
      things: { thingName: string }[];
    };
    expect(listed.things.map((thing) => thing.thingName)).toEqual(["sensor-1"]);
  });

  it("lists state machines", async () => {
    const listed = JSON.parse(await aws("stepfunctions", "list-state-machines")) as {
      stateMachines: { stateMachineArn: string; type: string }[];
    };
    expect(listed.stateMachines).toMatchObject([{ stateMachineArn: MACHINE_ARN, type: "EXPRESS" }]);
  });

  it("gets AWS's errors for Express executions from list-executions and describe-execution", async () => {
    // AWS Step Functions API Reference: ListExecutions and DescribeExecution do not support EXPRESS.
    await expect(aws("stepfunctions", "list-executions", "--state-machine-arn", MACHINE_ARN)).rejects.toMatchObject({
      stderr: expect.stringContaining(
        "An error occurred (StateMachineTypeNotSupported) when calling the ListExecutions operation: This operation is not supported by this type of state machine",
      ),
    });
    await expect(aws("stepfunctions", "describe-execution", "--execution-arn", FAILED_ARN)).rejects.toMatchObject({
      stderr: expect.stringContaining(
        "An error occurred (InvalidArn) when calling the DescribeExecution operation: Invalid Arn: 'Resource type not valid in this context: express'",
      ),
    });
  });

  it("finds failed executions with logs filter-log-events", async () => {
    const groups = JSON.parse(
      await aws("logs", "describe-log-groups", "--log-group-name-prefix", "/aws/vendedlogs/states/"),
    ) as { logGroups: { logGroupName: string }[] };
    expect(groups.logGroups.map((group) => group.logGroupName)).toEqual([LOG_GROUP]);
    const found = JSON.parse(
      await aws(
        "logs",
        "filter-log-events",
        "--log-group-name",
        LOG_GROUP,
        "--start-time",
        String(Date.now() - 3_600_000),
        "--filter-pattern",
        '{ $.type = "ExecutionFailed" && $.details.error = "InvalidTts*" }',
      ),
    ) as { events: { message: string; logStreamName: string }[] };
    expect(found.events).toHaveLength(1);
    expect(found.events[0]?.logStreamName).toMatch(
      new RegExp(`^states/${MACHINE}/\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}/`),
    );
    expect(JSON.parse(found.events[0]!.message)).toMatchObject({
      type: "ExecutionFailed",
      execution_arn: FAILED_ARN,
      details: { error: "InvalidTtsMessage", cause: "payload is not UTF-8 JSON" },
    });
  });

  it("runs the banner's filter-log-events command as printed, through a shell", async () => {
    const command = `${cli} --endpoint-url ${ctx.f.endpoint.url} ${filterLogEvents(LOG_GROUP, LAST_HOUR, FAILED_EXECUTIONS)}`;
    const { stdout } = await run("sh", ["-c", command], { env: cliEnv, encoding: "utf8" });
    const records = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; execution_arn: string });
    expect(records).toMatchObject([{ type: "ExecutionFailed", execution_arn: FAILED_ARN }]);
  });

  it("sees a filter pattern the endpoint cannot evaluate refused, not silently unmatched", async () => {
    await expect(
      aws("logs", "filter-log-events", "--log-group-name", LOG_GROUP, "--filter-pattern", "[ip, user]"),
    ).rejects.toMatchObject({ stderr: expect.stringContaining("(InvalidParameterException)") });
    await expect(
      aws("logs", "filter-log-events", "--log-group-name", "/aws/vendedlogs/states/nope"),
    ).rejects.toMatchObject({ stderr: expect.stringContaining("(ResourceNotFoundException)") });
  });

  it("describes a thing", async () => {
    const thing = JSON.parse(await aws("iot", "describe-thing", "--thing-name", "sensor-1")) as Record<string, unknown>;
    expect(thing).toMatchObject({
      thingName: "sensor-1",
      thingArn: `arn:aws:iot:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:thing/sensor-1`,
      attributes: { stackName: "prod" },
      version: 1,
    });
  });

  it("gets a named shadow into an outfile", async () => {
    // The CLI cannot open /dev/stdout when stdout is a socket (as under Node), so a file it is.
    const outfile = join(ctx.dataDir, "shadow.json");
    await aws("iot-data", "get-thing-shadow", "--thing-name", "sensor-1", "--shadow-name", "lorawan", outfile);
    const shadow = JSON.parse(await readFile(outfile, "utf8")) as Record<string, unknown>;
    expect(shadow).toMatchObject({ state: { reported: { battery: 90 } }, version: 1 });
    expect(ctx.f.endpoint.stats()["iotdata:GetThingShadow"]).toBe(1);
  });

  it("inspects and drains a dead-letter queue with the README's commands", async () => {
    ctx.f.endpoint.sqsQueues.send(DLQ, '{"ruleName":"tts_prod_uplink"}');
    const url = (
      await aws("sqs", "get-queue-url", "--queue-name", DLQ, "--query", "QueueUrl", "--output", "text")
    ).trim();
    expect(url).toBe(`${ctx.f.endpoint.url}/${LOCAL_ACCOUNT_ID}/${DLQ}`);
    const received = JSON.parse(
      await aws(
        "sqs",
        "receive-message",
        "--queue-url",
        url,
        "--max-number-of-messages",
        "10",
        "--wait-time-seconds",
        "1",
        "--attribute-names",
        "All",
      ),
    ) as { Messages: { Body: string; ReceiptHandle: string; Attributes: Record<string, string> }[] };
    expect(received.Messages).toMatchObject([
      { Body: '{"ruleName":"tts_prod_uplink"}', Attributes: { ApproximateReceiveCount: "1" } },
    ]);
    await aws(
      "sqs",
      "delete-message",
      "--queue-url",
      url,
      "--receipt-handle",
      received.Messages[0]?.ReceiptHandle ?? "",
    );
    const counts = JSON.parse(
      await aws(
        "sqs",
        "get-queue-attributes",
        "--queue-url",
        url,
        "--attribute-names",
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
      ),
    ) as unknown;
    expect(counts).toEqual({
      Attributes: { ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0" },
    });
    // An empty receive prints nothing, as on AWS.
    expect(await aws("sqs", "receive-message", "--queue-url", url)).toBe("");
    await aws("sqs", "purge-queue", "--queue-url", url);
    // Seven CLI runs of a few seconds each on a loaded machine.
  }, 120_000);

  it("sees SQS's query-compatible error codes", async () => {
    await expect(aws("sqs", "get-queue-url", "--queue-name", "missing")).rejects.toMatchObject({
      stderr: expect.stringContaining(
        "An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the GetQueueUrl operation",
      ),
    });
    const url = `${ctx.f.endpoint.url}/${LOCAL_ACCOUNT_ID}/${DLQ}`;
    await expect(
      aws("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "11"),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining(
        "An error occurred (InvalidParameterValue) when calling the ReceiveMessage operation",
      ),
    });
  });

  it("sees AWS error codes", async () => {
    await expect(aws("iot", "describe-thing", "--thing-name", "missing")).rejects.toMatchObject({
      stderr: expect.stringContaining(
        "An error occurred (ResourceNotFoundException) when calling the DescribeThing operation",
      ),
    });
  });
});
