/**
 * `doctor`: is this deployment healthy? Checks, in order, that the SDK reaches the account, that the
 * deployed pieces exist (state machines, their log groups, the thing type, the dead-letter queues),
 * that nothing waits in the dead-letter queues and that no execution failed in the last hour.
 * The TTS side (keys, rights, pub/sub) is not checked yet.
 */
import { type CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeThingTypeCommand, type IoTClient, ResourceNotFoundException } from "@aws-sdk/client-iot";
import { paginateListStateMachines, type SFNClient } from "@aws-sdk/client-sfn";
import { GetQueueAttributesCommand, GetQueueUrlCommand, QueueDoesNotExist, type SQSClient } from "@aws-sdk/client-sqs";
import { iotClientFor } from "../../functions/runtime/aws-clients.ts";
import {
  OPTIONAL_WORKFLOWS,
  stateMachineLogGroupName,
  stateMachineName,
  WORKFLOW_NAMES,
} from "../../workflows/catalogue.ts";
import { deadLetterQueueName } from "../../workflows/dead-letter-queue.ts";
import type { WorkflowName } from "../../workflows/workflow-types.ts";
import { logsClientFor, sfnClientFor, sqsClientFor } from "../clients.ts";
import { type Command, EXIT } from "../command.ts";
import { LogGroupMissingError, readExecutionRecords } from "../executions/execution-logs.ts";
import { PROGRAM } from "../program.ts";
import { again, awsCommand, type Target } from "../target.ts";
import { type CheckResult, checklist, failed, passed, topErrors } from "./checks.ts";

const HOUR_MS = 3_600_000;
const FAILURE_EVENTS = ["ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"];
const FAILURES_PATTERN = `{ ${FAILURE_EVENTS.map((type) => `$.type = "${type}"`).join(" || ")} }`;

export const doctorCommand: Command = {
  name: "doctor",
  summary: "check a deployment: access, deployed pieces, dead letters, recent failures",
  usage: "doctor",
  help: `Prints a checklist, one line per check (✓ or ✗), and for each ✗ the one thing to do:
  - AWS credentials and region (the SDK reaches Step Functions)
  - each workflow's state machine and its log group exist
  - the thing type exists and is not deprecated
  - each dead-letter queue exists and is empty
  - no execution failed, timed out or was aborted in the last hour (count and top error names)

Options:
  --json    {"ok": …, "checks": [{"check", "ok", "detail", "fix"?}]}

Exit codes: 0 every check passed; 1 a check failed; 2 usage.`,
  options: {},
  async run(context) {
    const results = await runChecks(context.target);
    const { output } = context;
    const ok = results.every((result) => result.ok);
    if (output.json) output.printJson({ ok, target: context.target.description, checks: results });
    else {
      output.line(`${PROGRAM} doctor — ${context.target.description}`);
      for (const line of checklist(results, (pass, text) => output.style(pass ? "green" : "red", text))) {
        output.line(line);
      }
      const failures = results.filter((result) => !result.ok).length;
      output.line(ok ? "all checks passed" : `${failures} of ${results.length} checks failed`);
    }
    return ok ? EXIT.ok : EXIT.failures;
  },
};

async function runChecks(target: Target): Promise<CheckResult[]> {
  const sfn = sfnClientFor(target);
  const logs = logsClientFor(target);
  const sqs = sqsClientFor(target);
  const iot = iotClientFor(target.sdkEnvironment);
  try {
    const access = await checkAccess(sfn, target);
    if (!access.ok) return [access.result];
    const machineOf = (workflow: WorkflowName) => stateMachineName(target.stackName, workflow);
    // A workflow the configuration leaves off (provisioning) is not missing when it is not there.
    const machines = WORKFLOW_NAMES.filter(
      (workflow) => !OPTIONAL_WORKFLOWS.has(workflow) || access.stateMachines.has(machineOf(workflow)),
    ).map(machineOf);
    return [
      access.result,
      ...machines.map((machine) => checkStateMachine(machine, access.stateMachines, target)),
      ...(await Promise.all(machines.map((machine) => checkLogGroup(logs, machine, target)))),
      await checkThingType(iot, target),
      ...(await Promise.all(machines.map((machine) => checkDeadLetters(sqs, machine, target)))),
      await checkRecentFailures(logs, machines, target),
    ];
  } finally {
    for (const client of [sfn, logs, sqs, iot]) client.destroy();
  }
}

function deployFix(target: Target): string {
  const environment = target.arguments[target.arguments.indexOf("--environment") + 1];
  if (target.arguments.includes("--local") || environment === undefined) {
    return `start the embedded default (npm start${target.stackName === "local" ? "" : ` -- --stack-name ${target.stackName}`}), or check --stack-name`;
  }
  return `deploy the stack: npx cdktf deploy ${environment}`;
}

async function checkAccess(
  sfn: SFNClient,
  target: Target,
): Promise<{ ok: true; result: CheckResult; stateMachines: ReadonlySet<string> } | { ok: false; result: CheckResult }> {
  const check = "AWS credentials and region";
  const region = target.sdkEnvironment["AWS_REGION"];
  if (region === undefined) {
    return { ok: false, result: failed(check, "no region", "pass --region, set AWS_REGION, or use --environment") };
  }
  try {
    const names = new Set<string>();
    for await (const page of paginateListStateMachines({ client: sfn }, {})) {
      for (const machine of page.stateMachines ?? []) if (machine.name !== undefined) names.add(machine.name);
    }
    return { ok: true, result: passed(check, `Step Functions answers in ${region}`), stateMachines: names };
  } catch (error) {
    const { name, message } = error as Error;
    return {
      ok: false,
      result: failed(
        check,
        `cannot list state machines in ${region}: ${name}: ${message}`,
        "check the credentials (AWS_PROFILE, aws sso login) and that they allow states:ListStateMachines; locally, that npm start is running",
      ),
    };
  }
}

function checkStateMachine(machine: string, existing: ReadonlySet<string>, target: Target): CheckResult {
  const check = `state machine ${machine}`;
  return existing.has(machine) ? passed(check, "exists") : failed(check, "does not exist", deployFix(target));
}

async function checkLogGroup(logs: CloudWatchLogsClient, machine: string, target: Target): Promise<CheckResult> {
  const group = stateMachineLogGroupName(machine);
  const check = `log group ${group}`;
  const { logGroups = [] } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
  return logGroups.some((found) => found.logGroupName === group)
    ? passed(check, "exists")
    : failed(check, "does not exist: the workflow's history is nowhere", deployFix(target));
}

async function checkThingType(iot: IoTClient, target: Target): Promise<CheckResult> {
  const check = `thing type ${target.thingTypeName}`;
  try {
    const found = await iot.send(new DescribeThingTypeCommand({ thingTypeName: target.thingTypeName }));
    return found.thingTypeMetadata?.deprecated
      ? failed(
          check,
          "is deprecated: no thing can be created with it",
          awsCommand(target, `iot deprecate-thing-type --thing-type-name ${target.thingTypeName} --undo-deprecate`),
        )
      : passed(check, "exists");
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return failed(check, "does not exist", deployFix(target));
    throw error;
  }
}

async function checkDeadLetters(sqs: SQSClient, machine: string, target: Target): Promise<CheckResult> {
  const queueName = deadLetterQueueName(machine);
  const check = `dead-letter queue ${queueName}`;
  let queueUrl: string | undefined;
  try {
    ({ QueueUrl: queueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName })));
  } catch (error) {
    if (error instanceof QueueDoesNotExist) return failed(check, "does not exist", deployFix(target));
    throw error;
  }
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  const waiting = Number(Attributes.ApproximateNumberOfMessages ?? 0);
  const inFlight = Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  if (waiting + inFlight === 0) return passed(check, "empty");
  const detail = `${waiting} message${waiting === 1 ? "" : "s"}${inFlight > 0 ? ` (+${inFlight} being received)` : ""} whose workflow could not start`;
  return failed(check, detail, `look and re-drive: ${again(target, "replay")} (dry run), then add --yes`);
}

async function checkRecentFailures(
  logs: CloudWatchLogsClient,
  machines: readonly string[],
  target: Target,
): Promise<CheckResult> {
  const check = "executions of the last hour";
  const startTime = Date.now() - HOUR_MS;
  const errors: string[] = [];
  for (const machine of machines) {
    try {
      const { records } = await readExecutionRecords(logs, stateMachineLogGroupName(machine), {
        startTime,
        filterPattern: FAILURES_PATTERN,
        maxEvents: 10_000,
      });
      for (const record of records) {
        const error = record.details["error"];
        errors.push(typeof error === "string" ? error : record.type);
      }
    } catch (error) {
      // The log group check reports a missing group.
      if (!(error instanceof LogGroupMissingError)) throw error;
    }
  }
  if (errors.length === 0) return passed(check, "none failed");
  return failed(
    check,
    `${errors.length} failed (${topErrors(errors)})`,
    `see which and why: ${again(target, "executions --status FAILED")}`,
  );
}
