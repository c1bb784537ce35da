/**
 * `doctor`: is this deployment healthy? Checks, in order, that the SDK reaches the account, that the
 * deployed pieces exist (state machines, their log groups, the thing type, the topic rules enabled,
 * the dead-letter queues), that nothing waits in the dead-letter queues, that no execution failed in
 * the last hour, and the TTS side of each application (key, rights, pub/sub).
 */
import { type CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeEndpointCommand,
  DescribeThingTypeCommand,
  type IoTClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-iot";
import { paginateListStateMachines, type SFNClient } from "@aws-sdk/client-sfn";
import { GetQueueAttributesCommand, GetQueueUrlCommand, QueueDoesNotExist, type SQSClient } from "@aws-sdk/client-sqs";
import { iotClientFor, secretsManagerClientFor } from "../../functions/runtime/aws-clients.ts";
import { ApiKeys, apiKeySecretName } from "../../functions/tts/api-keys.ts";
import { ttsRoleName } from "../../functions/tts/pubsub.ts";
import { deployedFunctionNames, deployedTopicRules, lambdaFunctionName } from "../../infra/deployed-pieces.ts";
import { stateMachineLogGroupName, stateMachineName, topicRules } from "../../workflows/catalogue.ts";
import { deadLetterQueueName } from "../../workflows/dead-letter-queue.ts";
import type { WorkflowName } from "../../workflows/workflow-types.ts";
import { lambdaClientFor, logsClientFor, sfnClientFor, sqsClientFor } from "../clients.ts";
import { type Command, EXIT } from "../command.ts";
import { LogGroupMissingError, readExecutionRecords } from "../executions/execution-logs.ts";
import { expectedWorkflows } from "../expected-workflows.ts";
import { PROGRAM } from "../program.ts";
import { again, awsCommand, type Target } from "../target.ts";
import { type CheckResult, checklist, failed, passed, skippedCheck, topErrors } from "./checks.ts";
import { checkFunctions } from "./function-checks.ts";
import { checkTopicRules, listedTopicRules } from "./rule-checks.ts";
import { ttsChecks } from "./tts-checks.ts";

/** As the functions' TTS calls (`TTS_REQUEST_TIMEOUT_MS`'s default). */
const TTS_TIMEOUT_MS = 10_000;

const HOUR_MS = 3_600_000;
const FAILURE_EVENTS = ["ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"];
const FAILURES_PATTERN = `{ ${FAILURE_EVENTS.map((type) => `$.type = "${type}"`).join(" || ")} }`;

export const doctorCommand: Command = {
  name: "doctor",
  summary: "check a deployment: access, deployed pieces, dead letters, recent failures, TTS keys and pub/sub",
  usage: "doctor",
  help: `Prints a checklist, one line per check (✓ passed, ✗ failed, - not checked and why), and for
each ✗ the one thing to do:
  - AWS credentials and region (the SDK reaches Step Functions)
  - each workflow's state machine and its log group exist
  - the thing type exists and is not deprecated
  - every topic rule exists and is enabled (ListTopicRules)
  - every function the environment deploys exists and can run (GetFunctionConfiguration; with
    --environment, which says which functions there are; locally not applicable: no Lambda API)
  - each dead-letter queue exists and is empty
  - no execution failed, timed out or was aborted in the last hour (count and top error names)
  - per TTS application (needs --environment or --local, which name the TTS URL and applications):
    the secret <stack>/tts-api-keys holds its API key; with it TTS answers and the key grants
    RIGHT_APPLICATION_TRAFFIC_READ and RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE (and, with configurePubSub,
    RIGHT_APPLICATION_SETTINGS_BASIC; with provisioning, RIGHT_APPLICATION_DEVICES_READ, _WRITE and
    _WRITE_KEYS); its AWS IoT pub/sub exists and points at this deployment
    (region, role ARN <stack>-tts, stack name, endpoint address if set)

Options:
  --json    {"ok": …, "checks": [{"check", "ok", "detail", "fix"?, "skipped"?}]}

Exit codes: 0 every check passed (or was not checked); 1 a check failed; 2 usage.`,
  options: {},
  async run(context) {
    const results = await runChecks(context.target);
    const { output } = context;
    const ok = results.every((result) => result.ok);
    if (output.json) output.printJson({ ok, target: context.target.description, checks: results });
    else {
      output.line(`${PROGRAM} doctor — ${context.target.description}`);
      const colour = { passed: "green", failed: "red", skipped: "dim" } as const;
      for (const line of checklist(results, (status, text) => output.style(colour[status], text))) {
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
  const secrets = secretsManagerClientFor(target.sdkEnvironment);
  try {
    const access = await checkAccess(sfn, target);
    if (!access.ok) return [access.result];
    const machineOf = (workflow: WorkflowName) => stateMachineName(target.stackName, workflow);
    const machines = expectedWorkflows(target)
      .filter(({ workflow, presence }) => presence === "required" || access.stateMachines.has(machineOf(workflow)))
      .map(({ workflow }) => machineOf(workflow));
    return [
      access.result,
      ...machines.map((machine) => checkStateMachine(machine, access.stateMachines, target)),
      ...(await Promise.all(machines.map((machine) => checkLogGroup(logs, machine, target)))),
      await checkThingType(iot, target),
      checkTopicRules(expectedTopicRules(target), await listedTopicRules(iot), {
        deploy: deployFix(target),
        enable: (ruleName) => awsCommand(target, `iot enable-topic-rule --rule-name ${ruleName}`),
      }),
      await checkDeployedFunctions(target),
      ...(await Promise.all(machines.map((machine) => checkDeadLetters(sqs, machine, target)))),
      await checkRecentFailures(logs, machines, target),
      ...(await checkTts(target, { iot, secrets, accountId: access.accountId })),
    ];
  } finally {
    for (const client of [sfn, logs, sqs, iot, secrets]) client.destroy();
  }
}

async function checkTts(
  target: Target,
  clients: { iot: IoTClient; secrets: ReturnType<typeof secretsManagerClientFor>; accountId: string | undefined },
): Promise<CheckResult[]> {
  const { tts } = target;
  if (tts === undefined) {
    return [
      skippedCheck("TTS", "not checked: no deployment configuration names the TTS applications (add --environment)"),
    ];
  }
  const secretName = apiKeySecretName(target.stackName);
  const keys = new ApiKeys({ client: clients.secrets, secretId: secretName, ttlSeconds: 0 });
  // Without iot:DescribeEndpoint the pub/sub's address is not compared; everything else still is.
  const endpointAddress = await clients.iot
    .send(new DescribeEndpointCommand({ endpointType: "iot:Data-ATS" }))
    // TTS's endpoint_address is a host name (no port); the local endpoint answers host:port.
    .then((found) => (found.endpointAddress ?? "").replace(/:\d+$/, ""))
    .catch(() => "");
  const environment = environmentOf(target);
  return ttsChecks({
    stackName: target.stackName,
    tts,
    secretName,
    apiKey: (applicationId) => keys.lookup(applicationId),
    pubSubTarget: {
      region: target.sdkEnvironment["AWS_REGION"] ?? "",
      roleArn: `arn:aws:iam::${clients.accountId ?? "<account>"}:role/${ttsRoleName(target.stackName)}`,
      stackName: target.stackName,
      endpointAddress,
    },
    putKeyFix: (applicationId) =>
      awsCommand(
        target,
        `secretsmanager put-secret-value --secret-id ${secretName} --secret-string '{"${applicationId}": "<API key>"}'`,
      ),
    pubSubFix: target.local
      ? // The simulated TTS has no console; the embedded default registers the pub/sub when it starts.
        `restart the embedded default (${startCommand(target)}): it registers the pub/sub in its simulated TTS`
      : tts.configurePubSub && environment !== undefined
        ? `the stack sets it (configurePubSub): re-apply with npx cdktf deploy ${environment}`
        : undefined,
    timeoutMs: TTS_TIMEOUT_MS,
  });
}

/**
 * The functions the environment deploys (`deployedFunctionNames`, as the stack). Locally there is
 * nothing to check: the handlers run in-process, with no Lambda API; a bare `--endpoint-url` names no
 * configuration to say which functions there should be.
 */
async function checkDeployedFunctions(target: Target): Promise<CheckResult> {
  if (target.local) {
    return skippedCheck(
      "functions",
      "not applicable locally: the embedded default runs the handlers in-process (no Lambda API)",
    );
  }
  if (target.deployment === undefined) {
    return skippedCheck(
      "functions",
      "not checked: no deployment configuration says which functions to expect (add --environment)",
    );
  }
  const names = deployedFunctionNames(target.deployment).map((name) => lambdaFunctionName(target.stackName, name));
  const lambda = lambdaClientFor(target);
  try {
    return await checkFunctions(lambda, names, { deploy: deployFix(target) });
  } finally {
    lambda.destroy();
  }
}

/** The environment's rules (with provisioning's when it is on); without a configuration, the always-deployed ones. */
function expectedTopicRules(target: Target): string[] {
  const rules = target.deployment === undefined ? topicRules(target.stackName) : deployedTopicRules(target.deployment);
  return rules.map((rule) => rule.name);
}

function environmentOf(target: Target): string | undefined {
  const at = target.arguments.indexOf("--environment");
  return at < 0 ? undefined : target.arguments[at + 1];
}

function startCommand(target: Target): string {
  return `npm start${target.stackName === "local" ? "" : ` -- --stack-name ${target.stackName}`}`;
}

function deployFix(target: Target): string {
  const environment = environmentOf(target);
  if (target.local || environment === undefined) {
    return `start the embedded default (${startCommand(target)}), or check --stack-name`;
  }
  return `deploy the stack: npx cdktf deploy ${environment}`;
}

async function checkAccess(
  sfn: SFNClient,
  target: Target,
): Promise<
  | { ok: true; result: CheckResult; stateMachines: ReadonlySet<string>; accountId: string | undefined }
  | { ok: false; result: CheckResult }
> {
  const check = "AWS credentials and region";
  const region = target.sdkEnvironment["AWS_REGION"];
  if (region === undefined) {
    return { ok: false, result: failed(check, "no region", "pass --region, set AWS_REGION, or use --environment") };
  }
  try {
    const names = new Set<string>();
    let accountId: string | undefined;
    for await (const page of paginateListStateMachines({ client: sfn }, {})) {
      for (const machine of page.stateMachines ?? []) {
        if (machine.name !== undefined) names.add(machine.name);
        // arn:aws:states:<region>:<account>:stateMachine:<name>: the account the role ARN must be in.
        accountId ??= machine.stateMachineArn?.split(":")[4];
      }
    }
    return { ok: true, result: passed(check, `Step Functions answers in ${region}`), stateMachines: names, accountId };
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
