/** The start-up banner: where everything is, and commands that work when pasted. */

import { ttsTopicPrefix } from "../../functions/core/tts-events.ts";
import { apiKeySecretName } from "../../functions/tts/api-keys.ts";
import { LOCAL_DEFAULT } from "../../operate/local-default.ts";
import { stateMachineLogGroupName, stateMachineName } from "../../workflows/catalogue.ts";
import { deadLetterQueueName } from "../../workflows/dead-letter-queue.ts";
import type { LocalRuntime } from "../runtime/runtime.ts";
import { FAULTS_PATH, type FaultInput } from "../tts-simulator/index.ts";

const SLOW_PUSH: FaultInput = { kind: "slowAnswer", action: "push", delayMs: 8_000 };

export function banner(runtime: LocalRuntime, exampleThing: string | undefined): string {
  const { config, urls } = runtime;
  const host = config.bindHost;
  const awsEnv = `AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=${runtime.aws.region}`;
  const thing = exampleThing ?? "<thing>";
  const traffic =
    config.devices === 0
      ? "none (--devices 0)"
      : `${config.devices} simulated device${config.devices === 1 ? "" : "s"}, one uplink each every ${config.interval} s`;
  const mqtt = `-h ${host} -p ${runtime.broker.mqttPort}`;
  const upstreamLogs = stateMachineLogGroupName(stateMachineName(config.stackName, "upstream"));
  const logLevel = `level ${config.workflowLogLevel}, execution data ${config.includeExecutionData}`;
  const downlink = JSON.stringify({ thingName: thing, bytes: "AQID", fPort: 10, confirmed: true });
  const tts =
    runtime.ttsApi !== undefined
      ? `${runtime.ttsApi.url}    (API key ${masked(config.ttsApiKey)}, in secret ${apiKeySecretName(config.stackName)})`
      : "not running (--devices 0): downlinks end with tts_unavailable";
  return [
    "",
    "tts-aws-iot — embedded default (offline: no AWS account, no network)",
    "",
    `  stack name        ${config.stackName}    (TTS publishes under ${ttsTopicPrefix(config.stackName)}/…)` +
      (config.environment ? `, settings of environment "${config.environment}"` : ""),
    `  MQTT broker       ${urls.mqtt}    WebSocket ${urls.mqttWs}`,
    `  AWS endpoint      ${urls.aws}    (IoT, IoT data plane, Secrets Manager, Step Functions, SQS)`,
    `  TTS traffic       ${traffic}`,
    `  TTS API           ${tts}`,
    runtime.inspector === undefined
      ? "  inspector         off (--inspector-port 0)"
      : `  inspector         ${runtime.inspector.url}    (executions, things, shadows, downlinks in the browser)`,
    `  state             ${runtime.dataDir}`,
    "",
    "  Watch what applications receive:",
    `    mosquitto_sub ${mqtt} -t 'lorawan/#' -v`,
    "  Send a downlink (queued, then sent and ack at the device's next uplinks, arrive on lorawan/<thing>/downlink/…):",
    `    mosquitto_pub ${mqtt} -t lorawan/downlink -m '${downlink}'`,
    "  Read a device's shadow:",
    `    ${awsEnv} aws --endpoint-url ${urls.aws} iot-data get-thing-shadow --thing-name ${thing} --shadow-name lorawan /dev/stdout`,
    // Commands that answer the same on AWS: Express executions cannot be listed there (each ends as a line below).
    "  List things and the workflows' state machines:",
    `    ${awsEnv} aws --endpoint-url ${urls.aws} iot list-things --attribute-name stackName --attribute-value ${config.stackName}`,
    `    ${awsEnv} aws --endpoint-url ${urls.aws} stepfunctions list-state-machines`,
    `  Workflow executions are in their state machine's log group, as on AWS (${logLevel}): failures of the last hour,`,
    "  then one execution's history (the downlink workflow logs to …-downlink):",
    `    ${awsEnv} aws --endpoint-url ${urls.aws} ${filterLogEvents(upstreamLogs, LAST_HOUR, FAILED_EXECUTIONS)}`,
    `    ${awsEnv} aws --endpoint-url ${urls.aws} ${filterLogEvents(upstreamLogs, LAST_HOUR, ONE_EXECUTION)}`,
    "  Messages whose workflow could not start (the rules' dead-letter queue, as deployed):",
    // The queue URL is asked for, not built: on AWS it is https://sqs.<region>.amazonaws.com/<account>/<name>.
    `    url=$(${awsEnv} aws --endpoint-url ${urls.aws} sqs get-queue-url --queue-name ${deadLetterQueueName(stateMachineName(config.stackName, "upstream"))} --query QueueUrl --output text)`,
    `    ${awsEnv} aws --endpoint-url ${urls.aws} sqs receive-message --queue-url "$url" --max-number-of-messages 10`,
    '  Check it, list executions, re-drive dead letters (README "Operating a deployment"; --environment <name> on AWS):',
    `    npx tts-aws-iot doctor ${operatorTarget(urls.aws, config.stackName)}`,
    `    npx tts-aws-iot executions ${operatorTarget(urls.aws, config.stackName)} --status failed`,
    ...(runtime.ttsApi === undefined
      ? []
      : [
          '  Make the simulated TTS misbehave (README "TTS simulator faults"): queue the next push but answer 8 s late; clear:',
          `    curl -X POST ${runtime.ttsApi.url}${FAULTS_PATH} -d '${JSON.stringify(SLOW_PUSH)}'`,
          `    curl -X DELETE ${runtime.ttsApi.url}${FAULTS_PATH}`,
        ]),
    "",
    "  Ctrl-C stops cleanly; state is kept for the next start.",
    "",
  ].join("\n");
}

/** How the operator CLI names this runtime: `--local` when it is where `--local` points. */
export function operatorTarget(awsUrl: string, stackName: string): string {
  if (awsUrl !== LOCAL_DEFAULT.endpointUrl) return `--endpoint-url ${awsUrl} --stack-name ${stackName}`;
  return stackName === LOCAL_DEFAULT.stackName ? "--local" : `--local --stack-name ${stackName}`;
}

/** Shell arithmetic: what `--start-time` takes, epoch milliseconds. */
export const LAST_HOUR = "$(( ($(date +%s) - 3600) * 1000 ))";
export const FAILED_EXECUTIONS = '{ $.type = "ExecutionFailed" }';
const ONE_EXECUTION = '{ $.execution_arn = "<execution ARN>" }';

/** `aws logs filter-log-events …` printing one JSON record per line; the same command works on AWS. */
export function filterLogEvents(logGroupName: string, startTime: string, filterPattern: string): string {
  return `logs filter-log-events --log-group-name ${logGroupName} --start-time ${startTime} --filter-pattern '${filterPattern}' --query 'events[*].[message]' --output text`;
}

/** Enough of a key to tell which one is set, never the key: banners end up in logs and screenshots. */
export function masked(secret: string): string {
  return `${secret.slice(0, 6)}… (${secret.length} characters)`;
}
