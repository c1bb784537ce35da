/**
 * `replay`: re-drives the dead-letter queues. Each message restarts its workflow with the input its
 * rule selected (`planReplay`) and is deleted only once StartExecution succeeded; a message that cannot
 * be replayed stays in the queue. A dry run by default: `--yes` acts.
 */
import { paginateListStateMachines, type SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { stateMachineName, WORKFLOW_NAMES } from "../../workflows/catalogue.ts";
import { deadLetterQueueName } from "../../workflows/dead-letter-queue.ts";
import type { WorkflowName } from "../../workflows/workflow-types.ts";
import { sfnClientFor, sqsClientFor } from "../clients.ts";
import { type Command, type CommandContext, EXIT } from "../command.ts";
import { expectedWorkflows } from "../expected-workflows.ts";
import type { Output } from "../output.ts";
import { UsageError } from "../usage-error.ts";
import { type DeadLetter, planReplay } from "./replay-plan.ts";

/**
 * How long a received message stays hidden while it is replayed. Short, so that the messages of an
 * interrupted run are back in the queue soon; a replay takes one StartExecution call.
 */
const REPLAY_VISIBILITY_SECONDS = 30;
/** SQS's maximum per ReceiveMessage. */
const BATCH = 10;

export class DeadLetterQueueMissingError extends Error {
  override readonly name = "DeadLetterQueueMissingError";
}

type Outcome =
  | {
      readonly workflow: WorkflowName;
      readonly messageId: string;
      readonly result: "replayed" | "would-replay";
      readonly executionName: string;
      readonly detail: string;
    }
  | {
      readonly workflow: WorkflowName;
      readonly messageId: string;
      readonly result: "skipped" | "failed";
      readonly reason: string;
    };

export const replayCommand: Command = {
  name: "replay",
  summary: "re-drive the dead-letter queues: restart each message's workflow with its original input",
  usage: `replay [--yes] [--workflow ${WORKFLOW_NAMES.join("|")}]`,
  help: `Reads each workflow's dead-letter queue (<stack>-<workflow>-rules-dlq; with --environment, only
of the workflows its configuration deploys) and, for each message the
rules' error action put there, starts the workflow with the input the rule selected. A message is
deleted only after its execution started; messages that cannot be replayed stay, with the reason.

Without --yes this is a dry run: it lists what would be replayed and changes nothing.
Ctrl-C stops after the message in hand; messages received but not replayed (skipped, failed or not
reached) are made visible again before it exits (ChangeMessageVisibility 0), else after ${REPLAY_VISIBILITY_SECONDS} s.

Options:
  --yes                 replay (default: dry run)
  --dry-run             only say what would be replayed (the default; wins over --yes)
  --workflow <name>     only this workflow's queue (${WORKFLOW_NAMES.join(", ")})
  --json                the outcomes and summary as JSON

Exit codes: 0 every message replayed (or would be); 1 a message was skipped or failed, or a queue is
missing; 2 usage.`,
  options: { yes: { type: "boolean" }, "dry-run": { type: "boolean" }, workflow: { type: "string" } },
  async run(context) {
    const workflows = selectedWorkflows(context);
    const act = context.values["yes"] === true && context.values["dry-run"] !== true;
    const sqs = sqsClientFor(context.target);
    const sfn = sfnClientFor(context.target);
    try {
      const outcomes: Outcome[] = [];
      for (const { workflow, queueMayBeMissing } of workflows) {
        if (context.signal.aborted) break;
        try {
          outcomes.push(...(await replayQueue(context, sqs, sfn, workflow, act)));
        } catch (error) {
          if (!(queueMayBeMissing && error instanceof DeadLetterQueueMissingError)) throw error;
        }
      }
      report(context.output, outcomes, act, context.signal.aborted);
      return outcomes.every((outcome) => outcome.result === "replayed" || outcome.result === "would-replay")
        ? EXIT.ok
        : EXIT.failures;
    } finally {
      sqs.destroy();
      sfn.destroy();
    }
  },
};

/**
 * The queues to replay: the one asked for by name (it must exist), else those of the workflows the
 * deployment has, and of those it may have (a workflow it may not have has no queue: no error).
 */
function selectedWorkflows({
  values,
  target,
}: Pick<CommandContext, "values" | "target">): readonly { workflow: WorkflowName; queueMayBeMissing: boolean }[] {
  const chosen = values["workflow"];
  if (chosen === undefined) {
    return expectedWorkflows(target).map(({ workflow, presence }) => ({
      workflow,
      queueMayBeMissing: presence === "ifPresent",
    }));
  }
  if (!(WORKFLOW_NAMES as readonly unknown[]).includes(chosen)) {
    throw new UsageError(`--workflow ${String(chosen)}: expected one of ${WORKFLOW_NAMES.join(", ")}`);
  }
  return [{ workflow: chosen as WorkflowName, queueMayBeMissing: false }];
}

async function replayQueue(
  context: CommandContext,
  sqs: SQSClient,
  sfn: SFNClient,
  workflow: WorkflowName,
  act: boolean,
): Promise<Outcome[]> {
  const machine = stateMachineName(context.target.stackName, workflow);
  const queueName = deadLetterQueueName(machine);
  const queueUrl = await urlOf(sqs, queueName);
  const total = await approximateCount(sqs, queueUrl);
  if (total === 0) return [];
  const stateMachineArn = act ? await stateMachineArnOf(sfn, machine) : "";
  const progress = new ProgressBar(context.output, `${queueName}`, total);
  const outcomes: Outcome[] = [];
  const seen = new Set<string>();
  /** Received but left in the queue (skipped, failed or not reached): made visible again at the end. */
  const kept: string[] = [];
  while (!context.signal.aborted) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: BATCH,
        // A dry run peeks: the messages stay visible, nothing about the queue changes but receive counts.
        VisibilityTimeout: act ? REPLAY_VISIBILITY_SECONDS : 0,
        MessageSystemAttributeNames: ["SentTimestamp"],
      }),
    );
    const fresh = Messages.filter((message) => message.MessageId !== undefined && !seen.has(message.MessageId));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      seen.add(message.MessageId!);
      if (act && context.signal.aborted) {
        if (message.ReceiptHandle !== undefined) kept.push(message.ReceiptHandle);
        continue;
      }
      const outcome = await replayOne(context, { sqs, sfn, queueUrl, stateMachineArn, workflow, act }, message);
      if (act && outcome.result !== "replayed" && message.ReceiptHandle !== undefined) kept.push(message.ReceiptHandle);
      outcomes.push(outcome);
      progress.update(outcomes.length);
    }
  }
  if (act) await release(sqs, queueUrl, kept);
  progress.done();
  return outcomes;
}

interface QueueReplay {
  readonly sqs: SQSClient;
  readonly sfn: SFNClient;
  readonly queueUrl: string;
  readonly stateMachineArn: string;
  readonly workflow: WorkflowName;
  readonly act: boolean;
}

/** Starts the message's workflow, then deletes the message: never the other way round. */
async function replayOne(context: CommandContext, queue: QueueReplay, message: Message): Promise<Outcome> {
  const { workflow } = queue;
  const messageId = message.MessageId!;
  const letter: DeadLetter = {
    messageId,
    body: message.Body ?? "",
    sentTimestamp: Number(message.Attributes?.SentTimestamp ?? Date.now()),
  };
  const plan = planReplay(letter, workflow, context.target.stackName);
  if (plan.kind === "skip") return { workflow, messageId, result: "skipped", reason: plan.reason };
  const started = { workflow, messageId, executionName: plan.executionName, detail: plan.topic };
  if (!queue.act) return { ...started, result: "would-replay" };
  try {
    await queue.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: queue.stateMachineArn,
        name: plan.executionName,
        input: JSON.stringify(plan.input),
      }),
    );
    await queue.sqs.send(new DeleteMessageCommand({ QueueUrl: queue.queueUrl, ReceiptHandle: message.ReceiptHandle }));
    return { ...started, result: "replayed" };
  } catch (error) {
    return { workflow, messageId, result: "failed", reason: describe(error) };
  }
}

/**
 * Makes messages this run received but did not replay visible again at once (ChangeMessageVisibility 0)
 * rather than after the visibility timeout. Best effort: a message whose handle expired is visible anyway.
 */
async function release(sqs: SQSClient, queueUrl: string, receiptHandles: readonly string[]): Promise<void> {
  await Promise.allSettled(
    receiptHandles.map((ReceiptHandle) =>
      sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle, VisibilityTimeout: 0 })),
    ),
  );
}

async function urlOf(sqs: SQSClient, queueName: string): Promise<string> {
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
    return QueueUrl!;
  } catch (error) {
    if (error instanceof QueueDoesNotExist) {
      throw new DeadLetterQueueMissingError(`dead-letter queue ${queueName} does not exist: is the stack deployed?`);
    }
    throw error;
  }
}

async function approximateCount(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}

export class StateMachineMissingError extends Error {
  override readonly name = "StateMachineMissingError";
}

async function stateMachineArnOf(sfn: SFNClient, name: string): Promise<string> {
  for await (const page of paginateListStateMachines({ client: sfn }, {})) {
    const found = page.stateMachines?.find((machine) => machine.name === name);
    if (found?.stateMachineArn !== undefined) return found.stateMachineArn;
  }
  throw new StateMachineMissingError(`state machine ${name} does not exist: deploy the stack before replaying`);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** On a terminal only (stderr): `[#####.....] 5/10 queue`. */
class ProgressBar {
  readonly #enabled: boolean;
  readonly #label: string;
  readonly #total: number;
  constructor(output: Output, label: string, total: number) {
    this.#enabled = !output.json && process.stderr.isTTY === true;
    this.#label = label;
    this.#total = total;
  }

  update(done: number): void {
    if (!this.#enabled) return;
    const width = 30;
    const filled = Math.min(width, Math.round((done / Math.max(this.#total, done)) * width));
    process.stderr.write(
      `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${Math.max(this.#total, done)} ${this.#label}`,
    );
  }

  done(): void {
    if (this.#enabled) process.stderr.write("\n");
  }
}

function report(output: Output, outcomes: readonly Outcome[], act: boolean, interrupted: boolean): void {
  const count = (result: Outcome["result"]) => outcomes.filter((outcome) => outcome.result === result).length;
  const replayed = count("replayed");
  const wouldReplay = count("would-replay");
  const summary = {
    dryRun: !act,
    interrupted,
    ...(act ? { replayed } : { wouldReplay }),
    skipped: count("skipped"),
    failed: count("failed"),
  };
  if (output.json) {
    output.printJson({ summary, outcomes });
    return;
  }
  for (const outcome of outcomes) output.line(outcomeLine(output, outcome));
  const head = act
    ? `replayed ${replayed}, skipped ${summary.skipped}, failed ${summary.failed}`
    : `dry run: would replay ${wouldReplay}, skip ${summary.skipped} (run with --yes to replay)`;
  output.line(`${head}${interrupted ? " (interrupted)" : ""}`);
}

function outcomeLine(output: Output, outcome: Outcome): string {
  switch (outcome.result) {
    case "replayed":
      return `✓ replayed  ${outcome.workflow}  ${outcome.detail} → ${outcome.executionName}`;
    case "would-replay":
      return `· would replay  ${outcome.workflow}  ${outcome.detail} → ${outcome.executionName}`;
    case "skipped":
      return `- skipped  ${outcome.workflow}  message ${outcome.messageId}: ${outcome.reason}`;
    case "failed":
      return output.style("red", `✗ failed  ${outcome.workflow}  message ${outcome.messageId}: ${outcome.reason}`);
  }
}
