/**
 * `verify`: an end-to-end smoke test of a live deployment. Publishes a synthetic TTS uplink for a test
 * device on the stack's TTS topic, as TTS would, then waits (bounded) for its upstream execution to
 * succeed (from the workflow's log group), for its thing to exist and for its `lorawan` shadow to hold
 * the uplink's values, and (where a plain MQTT broker serves the deployment's topics: the embedded
 * default) for the uplink republished on `lorawan/<thing>/uplink`; then deletes the test thing and its
 * shadow, also when a stage failed.
 */
import { randomBytes } from "node:crypto";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import {
  DeleteThingCommand,
  DescribeThingCommand,
  type IoTClient,
  ResourceNotFoundException as ThingNotFound,
} from "@aws-sdk/client-iot";
import {
  DeleteThingShadowCommand,
  GetThingShadowCommand,
  type IoTDataPlaneClient,
  PublishCommand,
  ResourceNotFoundException as ShadowNotFound,
} from "@aws-sdk/client-iot-data-plane";
import { SHADOW_NAME } from "../../functions/core/shadow-report.ts";
import { republishTopic } from "../../functions/core/tts-events.ts";
import { iotClientFor } from "../../functions/runtime/aws-clients.ts";
import { stateMachineLogGroupName, stateMachineName, topicRules } from "../../workflows/catalogue.ts";
import { iotDataClientForTarget, logsClientFor } from "../clients.ts";
import { type Command, type CommandContext, EXIT, stringOption } from "../command.ts";
import { formatDuration } from "../durations.ts";
import { LogGroupMissingError, readExecutionRecords } from "../executions/execution-logs.ts";
import { type ExecutionSummary, summarise } from "../executions/execution-summary.ts";
import { PROGRAM } from "../program.ts";
import { sleep } from "../sleep.ts";
import { again, awsCommand, logsSuccesses, type Target } from "../target.ts";
import { UsageError } from "../usage-error.ts";
import { type RepublishWatch, watchRepublish } from "./republish-watch.ts";
import {
  failed,
  failedStage,
  passed,
  STAGES,
  type StageName,
  type StageOutcome,
  type StageResult,
  skipped,
  stageLines,
  summaryLine,
} from "./stages.ts";
import { shadowMismatches, type TestUplink, testUplink } from "./test-uplink.ts";

const DEFAULT_TIMEOUT_SECONDS = 60;
const POLL_INTERVAL_MS = 500;
/** FilterLogEvents has a small per-account request quota, shared with every other reader of the account's logs. */
const LOG_POLL_INTERVAL_MS = 1000;
/** Log events carry the service's clock: read from a little before the publish, in case ours is ahead. */
const CLOCK_SLACK_MS = 60_000;
/** Bounds one read of the upstream log group (start and end records only: two per execution). */
const MAX_EVENTS = 20_000;
const LIFECYCLE_PATTERN = `{ ${["ExecutionStarted", "ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"].map((type) => `$.type = "${type}"`).join(" || ")} }`;

export const verifyCommand: Command = {
  name: "verify",
  summary: "end-to-end smoke test: a synthetic uplink through to its thing and shadow, then clean up",
  usage: "verify [--timeout S] [--keep] [--mqtt-url URL]",
  help: `Publishes a synthetic TTS uplink for a new test device (verify-<time>-<random>, application
tts-aws-iot-verify, no DevEUI: its thing is <stack>_<device id>) on thethings/lorawan/<stack>/uplink,
as TTS would, then checks, in order, one line each (✓/✗ with the time it took):
  publish    the IoT data plane took the message (on AWS: the account's iot:Data-ATS endpoint)
  execution  its upstream execution succeeded (read from the workflow's log group: needs logLevel ALL
             with includeExecutionData, the default)
  thing      its thing exists (DescribeThing)
  shadow     its lorawan shadow reports the uplink's values (GetThingShadow)
  republish  the uplink arrives, unchanged, on lorawan/<thing>/uplink (subscribed over MQTT before
             the publish; with --local the embedded default's broker, else --mqtt-url). Not checked
             on AWS: IoT Core takes subscribers only over TLS with certificates or over WebSocket
             signed with SigV4, which verify does not do
  cleanup    the test shadow and thing are deleted (DeleteThingShadow, DeleteThing), also after a
             failed stage
A failed stage ends the waiting (the stages after it are skipped) and says where to look.
On AWS the credentials need iot:Publish, iot:DescribeEndpoint, iot:DescribeThing, iot:DeleteThing,
iot:GetThingShadow, iot:DeleteThingShadow and logs:FilterLogEvents.

Options:
  --timeout <s>   seconds to wait for the whole run, 1 to 900 (default ${DEFAULT_TIMEOUT_SECONDS})
  --keep          leave the test thing and its shadow (to look at them); prints their name
  --mqtt-url <u>  the broker to watch the republished message on (plain MQTT, e.g. mqtt://host:1883)
  --json          {"ok", "target", "device", "failedStage"?, "stages": [{"stage", "status", "durationMs", "detail", "hint"?}]}

Exit codes: 0 every stage passed; 1 a stage failed (cleanup included); 2 usage.`,
  options: { timeout: { type: "string" }, keep: { type: "boolean" }, "mqtt-url": { type: "string" } },
  async run(context) {
    const timeoutMs = timeoutOption(context) * 1000;
    const report = await runVerify(context.target, {
      timeoutMs,
      keep: context.values["keep"] === true,
      mqttUrl: stringOption(context.values, "mqtt-url") ?? context.target.mqttUrl,
      signal: context.signal,
    });
    printReport(context, report);
    return report.failedStage === undefined ? EXIT.ok : EXIT.failures;
  },
};

function timeoutOption({ values }: Pick<CommandContext, "values">): number {
  const text = stringOption(values, "timeout") ?? String(DEFAULT_TIMEOUT_SECONDS);
  const seconds = Number(text);
  if (!(seconds >= 1 && seconds <= 900)) throw new UsageError(`--timeout ${text}: expected seconds, 1 to 900`);
  return seconds;
}

interface VerifyReport {
  readonly uplink: TestUplink;
  readonly stages: readonly StageResult[];
  readonly failedStage: StageName | undefined;
  readonly totalMs: number;
}

interface VerifyOptions {
  readonly timeoutMs: number;
  readonly keep: boolean;
  readonly mqttUrl: string | undefined;
  readonly signal: AbortSignal;
}

/** What the stages share: the clients, the test device and the one deadline of the run. */
interface Run {
  readonly target: Target;
  readonly uplink: TestUplink;
  readonly iot: IoTClient;
  readonly logs: CloudWatchLogsClient;
  iotData?: IoTDataPlaneClient;
  readonly publishedAt: number;
  readonly deadline: number;
  readonly signal: AbortSignal;
  readonly mqttUrl: string | undefined;
  /** Subscribed before the publish; the error when that failed. */
  republished?: RepublishWatch | Error;
  /** The upstream execution, once found: later hints point at it. */
  execution?: ExecutionSummary;
}

async function runVerify(target: Target, options: VerifyOptions): Promise<VerifyReport> {
  const started = Date.now();
  const run: Run = {
    target,
    uplink: testUplink(target.stackName, new Date(started), randomBytes(24)),
    iot: iotClientFor(target.sdkEnvironment),
    logs: logsClientFor(target),
    publishedAt: started,
    deadline: started + options.timeoutMs,
    signal: options.signal,
    mqttUrl: options.mqttUrl,
  };
  const stages: Record<Exclude<StageName, "cleanup">, (run: Run) => Promise<StageOutcome>> = {
    publish,
    execution: awaitExecution,
    thing: awaitThing,
    shadow: awaitShadow,
    republish: awaitRepublish,
  };
  const results: StageResult[] = [];
  try {
    for (const stage of STAGES) {
      if (stage === "cleanup") {
        results.push(
          options.keep
            ? skipped("cleanup", `kept (--keep): thing ${run.uplink.thingName} and its ${SHADOW_NAME} shadow`)
            : await timed("cleanup", () => cleanup(run)),
        );
      } else if (failedStage(results) !== undefined) {
        results.push(skipped(stage, "skipped: an earlier stage failed"));
      } else if (stage === "republish" && run.mqttUrl === undefined) {
        results.push(skipped(stage, REPUBLISH_NOT_CHECKED));
      } else if (stage === "execution" && !logsSuccesses(target)) {
        results.push(skipped(stage, executionNotLogged(target)));
      } else {
        results.push(await timed(stage, () => stages[stage](run)));
      }
    }
  } finally {
    for (const client of [run.iot, run.logs, run.iotData]) client?.destroy();
    if (run.republished !== undefined && !(run.republished instanceof Error)) await run.republished.close();
  }
  return { uplink: run.uplink, stages: results, failedStage: failedStage(results), totalMs: Date.now() - started };
}

async function timed(stage: StageName, work: () => Promise<StageOutcome>): Promise<StageResult> {
  const started = Date.now();
  let outcome: StageOutcome;
  try {
    outcome = await work();
  } catch (error) {
    const { name, message } = error as Error;
    outcome = failed(
      `${name}: ${message}`,
      "check the credentials, region and endpoint: doctor checks them one by one",
    );
  }
  return {
    stage,
    status: outcome.ok ? "passed" : "failed",
    durationMs: Date.now() - started,
    detail: outcome.detail,
    ...(outcome.hint === undefined ? {} : { hint: outcome.hint }),
  };
}

/**
 * Calls `check` until it gives a value, the run's deadline passes or it is interrupted; always at
 * least once.
 */
async function poll<T>(
  run: Run,
  check: () => Promise<T | undefined>,
  intervalMs = POLL_INTERVAL_MS,
): Promise<T | undefined> {
  for (;;) {
    const found = await check();
    if (found !== undefined || Date.now() >= run.deadline || run.signal.aborted) return found;
    await sleep(Math.min(intervalMs, run.deadline - Date.now()), run.signal);
  }
}

function waited(run: Run): string {
  return run.signal.aborted ? "(interrupted)" : `within ${formatDuration(run.deadline - run.publishedAt)}`;
}

/** At `ERROR` (the deployed default) a success leaves no log record: the thing and shadow stages show it ran. */
function executionNotLogged(target: Target): string {
  const { logLevel } = target.workflowLogging ?? {};
  const how = logLevel === "ALL" ? "without execution data" : `at ${logLevel}`;
  return `not checked: the workflows log ${how}, so a success leaves no record naming the thing; the thing and shadow stages show it ran, failures show in ${again(target, "executions --status FAILED")}`;
}

const REPUBLISH_NOT_CHECKED =
  "not checked: no broker to watch it on (--mqtt-url; on AWS IoT Core subscribing needs SigV4 or certificates)";

async function publish(run: Run): Promise<StageOutcome> {
  if (run.mqttUrl !== undefined) {
    const topic = republishTopic(run.uplink.thingName, "uplink");
    run.republished = await watchRepublish(run.mqttUrl, topic, `tts-aws-iot-${run.uplink.deviceId}`).catch(
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
  }
  run.iotData = await iotDataClientForTarget(run.target, run.iot);
  await run.iotData.send(new PublishCommand({ topic: run.uplink.topic, qos: 1, payload: run.uplink.payload }));
  return passed(`uplink of test device ${run.uplink.deviceId} published on ${run.uplink.topic}`);
}

async function awaitExecution(run: Run): Promise<StageOutcome> {
  const { target, uplink } = run;
  const group = stateMachineLogGroupName(stateMachineName(target.stackName, "upstream"));
  const rules = topicRules(target.stackName);
  const prefixes = rules.map((rule) => rule.executionNamePrefix);
  let latest: ExecutionSummary | undefined;
  try {
    await poll(
      run,
      async () => {
        const { records } = await readExecutionRecords(run.logs, group, {
          startTime: run.publishedAt - CLOCK_SLACK_MS,
          filterPattern: LIFECYCLE_PATTERN,
          maxEvents: MAX_EVENTS,
        });
        latest = summarise("upstream", records, prefixes).find(
          (execution) => execution.thing === uplink.deviceId || execution.thing === uplink.thingName,
        );
        return latest?.status === "RUNNING" ? undefined : latest;
      },
      LOG_POLL_INTERVAL_MS,
    );
  } catch (error) {
    if (!(error instanceof LogGroupMissingError)) throw error;
    return failed(error.message, `is ${target.stackName} the right stack? ${again(target, "doctor")}`);
  }
  if (latest === undefined) {
    const rule = rules.find((candidate) => candidate.executionNamePrefix === "uplink")?.name ?? "";
    return failed(
      `no upstream execution for ${uplink.deviceId} logged ${waited(run)}`,
      `is topic rule ${rule} there and enabled (${again(target, "doctor")})? The upstream workflow must log at ALL with includeExecutionData for verify to see a success`,
    );
  }
  run.execution = latest;
  const show = again(target, `executions show ${latest.name}`);
  if (latest.status === "RUNNING") return failed(`${latest.name} still running ${waited(run)}`, `see how far: ${show}`);
  if (latest.status !== "SUCCEEDED") {
    const cause = latest.cause === undefined ? "" : `: ${latest.cause}`;
    return failed(`${latest.name} ${latest.status} ${latest.error ?? ""}${cause}`.trimEnd(), `see why: ${show}`);
  }
  const took = latest.durationMs === undefined ? "" : ` in ${formatDuration(latest.durationMs)}`;
  return passed(`${latest.name} succeeded${took}`);
}

function showExecution(run: Run): string {
  return run.execution === undefined
    ? again(run.target, `executions --thing ${run.uplink.deviceId}`)
    : again(run.target, `executions show ${run.execution.name}`);
}

async function awaitThing(run: Run): Promise<StageOutcome> {
  const { thingName } = run.uplink;
  const thing = await poll(run, async () => {
    try {
      return await run.iot.send(new DescribeThingCommand({ thingName }));
    } catch (error) {
      if (error instanceof ThingNotFound) return undefined;
      throw error;
    }
  });
  if (thing === undefined) {
    return failed(
      `thing ${thingName} does not exist ${waited(run)}`,
      `the execution succeeded without it: ${showExecution(run)}`,
    );
  }
  return passed(`${thingName} exists (type ${thing.thingTypeName ?? "none"})`);
}

async function awaitShadow(run: Run): Promise<StageOutcome> {
  const { thingName, expectedShadow } = run.uplink;
  const iotData = run.iotData!;
  let mismatches = [`no ${SHADOW_NAME} shadow`];
  await poll(run, async () => {
    try {
      const { payload } = await iotData.send(new GetThingShadowCommand({ thingName, shadowName: SHADOW_NAME }));
      const document = JSON.parse(new TextDecoder().decode(payload)) as { state?: { reported?: unknown } };
      mismatches = shadowMismatches(expectedShadow, document.state?.reported);
    } catch (error) {
      if (!(error instanceof ShadowNotFound)) throw error;
    }
    return mismatches.length === 0 ? true : undefined;
  });
  if (mismatches.length > 0) {
    return failed(
      `${SHADOW_NAME} shadow of ${thingName} ${waited(run)}: ${mismatches.join("; ")}`,
      `is update-shadow's SHADOW_METRICS off? ${showExecution(run)}`,
    );
  }
  return passed(`${SHADOW_NAME} shadow reports the uplink's ${Object.keys(expectedShadow).length} values`);
}

async function awaitRepublish(run: Run): Promise<StageOutcome> {
  const topic = republishTopic(run.uplink.thingName, "uplink");
  const watch = run.republished;
  if (watch === undefined || watch instanceof Error) {
    return failed(
      `could not subscribe to ${topic} at ${run.mqttUrl}: ${watch?.message ?? "no subscription"}`,
      "is the broker there (--mqtt-url), and does it take this client?",
    );
  }
  const sent = Buffer.from(run.uplink.payload);
  const arrived = await poll(run, async () => (watch.received.length > 0 ? watch.received : undefined));
  if (arrived === undefined) {
    return failed(`nothing on ${topic} ${waited(run)}`, `did the Republish step run? ${showExecution(run)}`);
  }
  if (!arrived.some((payload) => sent.equals(payload))) {
    return failed(
      `a message on ${topic} differs from the uplink published`,
      `see what it published: ${showExecution(run)}`,
    );
  }
  return passed(`the uplink arrived unchanged on ${topic}`);
}

async function cleanup(run: Run): Promise<StageOutcome> {
  const { thingName } = run.uplink;
  const deleted: string[] = [];
  try {
    run.iotData ??= await iotDataClientForTarget(run.target, run.iot);
    try {
      await run.iotData.send(new DeleteThingShadowCommand({ thingName, shadowName: SHADOW_NAME }));
      deleted.push(`the ${SHADOW_NAME} shadow`);
    } catch (error) {
      if (!(error instanceof ShadowNotFound)) throw error;
    }
    // DeleteThing of a thing that does not exist succeeds; DescribeThing says whether there was one.
    const existed = await run.iot.send(new DescribeThingCommand({ thingName })).then(
      () => true,
      (error: unknown) => {
        if (error instanceof ThingNotFound) return false;
        throw error;
      },
    );
    if (existed) {
      await run.iot.send(new DeleteThingCommand({ thingName }));
      deleted.push(`thing ${thingName}`);
    }
  } catch (error) {
    const { name, message } = error as Error;
    return failed(
      `could not delete the test thing${deleted.length > 0 ? ` (deleted ${deleted.join(" and ")})` : ""}: ${name}: ${message}`,
      `delete it yourself: ${awsCommand(run.target, `iot-data delete-thing-shadow --thing-name ${thingName} --shadow-name ${SHADOW_NAME} /dev/null`)}; ${awsCommand(run.target, `iot delete-thing --thing-name ${thingName}`)}`,
    );
  }
  return passed(
    deleted.length === 0 ? "nothing to delete: no test thing was made" : `deleted ${deleted.join(" and ")}`,
  );
}

function printReport(context: CommandContext, report: VerifyReport): void {
  const { output, target } = context;
  const { uplink } = report;
  if (output.json) {
    output.printJson({
      ok: report.failedStage === undefined,
      target: target.description,
      device: { deviceId: uplink.deviceId, thingName: uplink.thingName, topic: uplink.topic },
      ...(report.failedStage === undefined ? {} : { failedStage: report.failedStage }),
      stages: report.stages,
    });
    return;
  }
  output.line(`${PROGRAM} verify — ${target.description}`);
  output.line(`test device ${uplink.deviceId} (thing ${uplink.thingName})`);
  const colour = { passed: "green", failed: "red", skipped: "dim" } as const;
  for (const line of stageLines(report.stages, (status, text) => output.style(colour[status], text))) {
    output.line(line);
  }
  output.line(summaryLine(report.stages, report.totalMs));
}
