/**
 * The operator CLI (`tts-aws-iot`, README "Operating a deployment") run as a child process with real argv
 * against the embedded default: the same AWS SDK v3 calls it makes against a deployed stack, only the
 * endpoint differs. Exit codes: 0 all well, 1 failures found, 2 usage.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { clientConfig } from "../../functions/runtime/aws-clients.ts";
import { banner, operatorTarget } from "../../local/cli/banner.ts";
import { connect } from "../../local/harness/mqtt-client.ts";
import { startNode } from "../../local/harness/node-process.ts";
import { errorActionMessage } from "../../local/runtime/rule-dead-letters.ts";
import type { ExecutionSummary } from "../../local/workflows/runner.ts";
import { StateMachineDoesNotExistError } from "../../local/workflows/runner.ts";
import { fixtureBytes } from "../support/fixtures.ts";
import { useTestRuntime } from "../support/local-runtime.ts";
import { againstRuntime, type CliRun, OPERATOR_CLI, runOperatorCli } from "../support/operator-cli.ts";

const finished: ExecutionSummary[] = [];
const ctx = useTestRuntime({}, { onExecution: (summary) => finished.push(summary) });
afterEach(() => vi.restoreAllMocks());

let sqsClient: SQSClient | undefined;
afterAll(() => sqsClient?.destroy());
function sqs(): SQSClient {
  sqsClient ??= new SQSClient(clientConfig(ctx.runtime.sdkEnvironment));
  return sqsClient;
}

function cli(...args: string[]): Promise<CliRun> {
  const target = againstRuntime(ctx.runtime);
  const noTarget = args.includes("--no-target");
  return runOperatorCli([...args.filter((arg) => arg !== "--no-target"), ...(noTarget ? [] : target.args)], target.env);
}

async function publish(topic: string, payload: string | Buffer, clientId = "thethings-e2e"): Promise<void> {
  const client = await connect(ctx.runtime.urls.mqtt, clientId);
  await client.publishAsync(topic, payload, { qos: 1 });
  await client.endAsync();
}

async function queueDepth(workflow: string): Promise<string | undefined> {
  const { QueueUrl } = await sqs().send(new GetQueueUrlCommand({ QueueName: `e2e-${workflow}-rules-dlq` }));
  const { Attributes } = await sqs().send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return `${Attributes?.ApproximateNumberOfMessages}/${Attributes?.ApproximateNumberOfMessagesNotVisible}`;
}

describe("tts-aws-iot executions", () => {
  it("finds a failed execution by its thing, with its error, and shows its history with the cause", async () => {
    const seen = finished.length;
    await publish("lorawan/downlink", JSON.stringify({ thingName: "NO-SUCH-THING", bytes: "CA==" }), "application");
    await expect.poll(() => finished.length, { timeout: 15_000 }).toBeGreaterThan(seen);

    const listed = await cli("executions", "--thing", "NO-SUCH-THING", "--json");
    expect(listed.code, listed.stderr).toBe(1);
    const executions = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(executions).toEqual([
      expect.objectContaining({
        workflow: "downlink",
        event: "downlink-request",
        thing: "NO-SUCH-THING",
        status: "FAILED",
        error: "thing_not_found",
        durationMs: expect.any(Number),
      }),
    ]);

    const table = await cli("executions", "--status", "FAILED", "--since", "10m");
    expect(table.code).toBe(1);
    expect(table.stdout.split("\n")[0]).toMatch(/^TIME\s+WORKFLOW\s+EVENT\s+THING\s+STATUS\s+DURATION\s+ERROR$/);
    expect(table.stdout).toMatch(/downlink\s+downlink-request\s+NO-SUCH-THING\s+FAILED\s+\S+\s+thing_not_found/);

    const name = String(executions[0]!["name"]);
    const shown = await cli("executions", "show", name);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toContain(`execution  ${String(executions[0]!["executionArn"])}`);
    expect(shown.stdout).toMatch(/^status\s+FAILED in \S+$/m);
    expect(shown.stdout).toMatch(/^\s+1 {2}\+0ms\s+ExecutionStarted$/m);
    expect(shown.stdout).toMatch(/^\s+input: \{"payload":/m);
    expect(shown.stdout).toMatch(/ExecutionFailed\n\s+error: thing_not_found\n\s+cause: .*NO-SUCH-THING/);
  });

  it("says when nothing matches, with exit code 0", async () => {
    const none = await cli("executions", "--thing", "never-seen", "--json");
    expect(none).toMatchObject({ code: 0, stdout: "[]\n" });
    const missing = await cli("executions", "show", "no-such-execution");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no logged execution no-such-execution in stack e2e's log groups");
  });

  it("--follow prints executions as they finish until interrupted", async () => {
    const child = startNode(
      OPERATOR_CLI,
      [
        "executions",
        "--follow",
        // Not "1s": on a loaded machine the CLI may take seconds to start, after the publish below.
        "--since",
        "5m",
        "--interval",
        "0.2",
        "--json",
        "--endpoint-url",
        ctx.runtime.urls.aws,
        "--stack-name",
        "e2e",
      ],
      ctx.runtime.sdkEnvironment,
    );
    const stdout = () => child.output().stdout;
    let exitCode: number | string;
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await publish("lorawan/downlink", JSON.stringify({ thingName: "FOLLOWED-THING", bytes: "CA==" }), "application");
      await expect.poll(stdout, { timeout: 15_000 }).toContain('"thing":"FOLLOWED-THING"');
      const lines = stdout()
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { thing?: string; status: string });
      expect(lines.filter((line) => line.thing === "FOLLOWED-THING").at(-1)).toMatchObject({ status: "FAILED" });
    } finally {
      exitCode = await child.stop("SIGINT");
    }
    expect(exitCode).toBe(1);
  });
});

describe("tts-aws-iot replay", () => {
  it("dry-runs by default, then replays a dead-lettered uplink into a successful execution and empties the queue", async () => {
    vi.spyOn(ctx.runtime.workflows, "start").mockImplementationOnce(() => {
      throw new StateMachineDoesNotExistError("State Machine Does Not Exist: e2e-upstream");
    });
    const failuresBefore = ctx.runtime.ruleFailures.length;
    await publish("thethings/lorawan/e2e/uplink", fixtureBytes("uplink"));
    await expect.poll(() => ctx.runtime.ruleFailures.length, { timeout: 10_000 }).toBe(failuresBefore + 1);
    vi.restoreAllMocks();
    expect(await queueDepth("upstream")).toBe("1/0");

    const dry = await cli("replay");
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^· would replay {2}upstream {2}thethings\/lorawan\/e2e\/uplink → uplink-replay-\S+$/m);
    expect(dry.stdout).toContain("dry run: would replay 1, skip 0 (run with --yes to replay)");
    expect(await queueDepth("upstream")).toBe("1/0");

    const seen = finished.length;
    const replayed = await cli("replay", "--yes", "--json");
    expect(replayed.code, replayed.stderr).toBe(0);
    const { summary, outcomes } = JSON.parse(replayed.stdout) as {
      summary: Record<string, unknown>;
      outcomes: { executionName: string }[];
    };
    expect(summary).toEqual({ dryRun: false, interrupted: false, replayed: 1, skipped: 0, failed: 0 });
    expect(await queueDepth("upstream")).toBe("0/0");

    await expect.poll(() => finished.length, { timeout: 15_000 }).toBeGreaterThan(seen);
    const execution = finished.find((summary) => summary.name === outcomes[0]!.executionName);
    expect(execution).toMatchObject({ workflow: "upstream", status: "SUCCEEDED" });
    // The replayed input is what the rule selected: the same topic, payload and client id.
    const listed = await cli("executions", "--status", "SUCCEEDED", "--thing", "0004A30B001C0530", "--json");
    expect(JSON.parse(listed.stdout)).toContainEqual(
      expect.objectContaining({ name: outcomes[0]!.executionName, event: "uplink", thing: "0004A30B001C0530" }),
    );
  });

  it("leaves a message that is not an error action message in the queue, says why, and exits 1", async () => {
    const { QueueUrl } = await sqs().send(new GetQueueUrlCommand({ QueueName: "e2e-downlink-rules-dlq" }));
    await sqs().send(new SendMessageCommand({ QueueUrl, MessageBody: '{"hello":"world"}' }));
    const run = await cli("replay", "--yes", "--workflow", "downlink");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^- skipped {2}downlink {2}message \S+: not an IoT rule error action message \(bad /m);
    expect(run.stdout).toContain("replayed 0, skipped 1, failed 0");
    // Received for the replay, never deleted, and visible again at once (ChangeMessageVisibility 0).
    expect(await queueDepth("downlink")).toBe("1/0");
  });
});

describe("tts-aws-iot replay, interrupted", () => {
  it("stops on SIGINT after the message in hand: every message either replayed once or back in the queue", async () => {
    const { QueueUrl } = await sqs().send(new GetQueueUrlCommand({ QueueName: "e2e-upstream-rules-dlq" }));
    const failure = {
      rule: "tts_e2e_uplink",
      workflow: "upstream" as const,
      stage: "action" as const,
      topic: "thethings/lorawan/e2e/uplink",
      payload: fixtureBytes("uplink"),
      clientId: "thethings-e2e",
      error: new Error("throttled"),
    };
    const total = 60;
    for (let index = 0; index < total; index += 1) {
      await sqs().send(
        new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(errorActionMessage(failure, "e2e-upstream")) }),
      );
    }
    const target = againstRuntime(ctx.runtime);
    const child = startNode(OPERATOR_CLI, ["replay", "--yes", "--json", ...target.args], target.env);
    // Interrupt once the replay has begun (a message hidden or gone).
    await expect.poll(() => queueDepth("upstream"), { timeout: 20_000, interval: 20 }).not.toBe(`${total}/0`);
    expect(await child.stop("SIGINT")).toBe(0);

    const { summary, outcomes } = JSON.parse(child.output().stdout) as {
      summary: { replayed: number; failed: number; interrupted: boolean };
      outcomes: { executionName: string }[];
    };
    expect(summary.failed).toBe(0);
    // Nothing hidden, nothing lost: what was not replayed is visible again.
    expect(await queueDepth("upstream")).toBe(`${total - summary.replayed}/0`);
    expect(new Set(outcomes.map((outcome) => outcome.executionName)).size).toBe(summary.replayed);
    if (summary.replayed < total) expect(summary.interrupted).toBe(true);
    await sqs().send(new PurgeQueueCommand({ QueueUrl }));
  });
});

describe("tts-aws-iot usage", () => {
  it.each([
    [["frobnicate"], /unknown command frobnicate/],
    [["executions", "--status", "NOPE"], /--status NOPE: expected one of RUNNING, SUCCEEDED/],
    [["executions", "--since", "yesterday"], /--since yesterday: expected a number and a unit/],
    [["replay", "--workflow", "other"], /--workflow other: expected one of upstream, downlink/],
    [["executions", "--bogus"], /Unknown option '--bogus'/],
    [
      ["executions", "--no-target"],
      /say which deployment: --environment <name> \(AWS\), --endpoint-url <url> or --local/,
    ],
  ])("%j exits 2 with a named problem", async (args, message) => {
    const run = await cli(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("prints help per command with exit 0", async () => {
    const help = await cli("replay", "--help", "--no-target");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: tts-aws-iot replay \[--yes\]/);
    expect(help.stdout).toContain("Exit codes:");
  });
});

describe("README: Operating a deployment", () => {
  /** The `npx tts-aws-iot …` lines of the section's first shell block, as printed. */
  function readmeCommands(): string[] {
    const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Operating a deployment"));
    const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
    return block
      .split("\n")
      .map((line) => line.replace(/\s+#.*$/, "").trim())
      .filter((line) => line.startsWith("npx tts-aws-iot "));
  }

  it("runs every command as printed (--local pointed at this runtime's endpoint), none a usage error", async () => {
    const commands = readmeCommands();
    expect(commands.length).toBeGreaterThanOrEqual(8);
    const seen = finished.length;
    await publish("lorawan/downlink", JSON.stringify({ thingName: "README-THING", bytes: "AQ==" }), "application");
    await expect.poll(() => finished.length, { timeout: 15_000 }).toBeGreaterThan(seen);
    const anExecution = finished[seen]!;
    for (const command of commands) {
      // --follow runs until interrupted: the --follow test above runs it.
      if (command.includes("--follow")) continue;
      const args = command
        .replace("<execution name or ARN>", anExecution!.name)
        .split(/\s+/)
        .slice(2)
        .filter((arg) => arg !== "--local");
      const run = await cli(...args);
      expect([0, 1], `${command}\n${run.stderr}`).toContain(run.code);
      expect(run.stderr, command).not.toMatch(/Run tts-aws-iot/);
    }
    // About ten CLI runs, each a few seconds to start on a loaded machine.
  }, 120_000);
});

describe("the banner's operator commands", () => {
  it("run as printed", async () => {
    const lines = banner(ctx.runtime, undefined)
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.startsWith("npx tts-aws-iot "));
    expect(lines).toEqual([
      `npx tts-aws-iot doctor --endpoint-url ${ctx.runtime.urls.aws} --stack-name e2e`,
      `npx tts-aws-iot executions --endpoint-url ${ctx.runtime.urls.aws} --stack-name e2e --status failed`,
    ]);
    for (const line of lines) {
      const run = await runOperatorCli(line.split(" ").slice(2), ctx.runtime.sdkEnvironment);
      expect([0, 1], `${line}\n${run.stderr}`).toContain(run.code);
      expect(run.stderr).not.toMatch(/Run tts-aws-iot|Error/);
    }
  });

  it("say --local where --local points", () => {
    expect(operatorTarget("http://127.0.0.1:4566", "local")).toBe("--local");
    expect(operatorTarget("http://127.0.0.1:4566", "tts-staging")).toBe("--local --stack-name tts-staging");
    expect(operatorTarget("http://[::1]:4566", "local")).toBe("--endpoint-url http://[::1]:4566 --stack-name local");
  });
});
