/** The start-up banner: where everything is, and commands that work when pasted. */
import type { LocalRuntime } from "../runtime/runtime.ts";
import { ttsTopicPrefix } from "../../functions/core/tts-events.ts";

export function banner(runtime: LocalRuntime, exampleThing: string | undefined): string {
  const { config, urls } = runtime;
  const host = config.bindHost;
  const awsEnv = `AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=${runtime.aws.region}`;
  const thing = exampleThing ?? "<thing>";
  const traffic =
    config.devices === 0
      ? "none (--devices 0)"
      : `${config.devices} simulated device${config.devices === 1 ? "" : "s"}, one uplink each every ${config.interval} s`;
  return [
    "",
    "tts-aws-iot — embedded default (offline: no AWS account, no network)",
    "",
    `  stack name        ${config.stackName}    (TTS publishes under ${ttsTopicPrefix(config.stackName)}/…)`,
    `  MQTT broker       ${urls.mqtt}    WebSocket ${urls.mqttWs}`,
    `  AWS endpoint      ${urls.aws}    (IoT, IoT data plane, Secrets Manager, Step Functions)`,
    `  TTS traffic       ${traffic}`,
    `  state             ${runtime.dataDir}`,
    "",
    "  Watch what applications receive:",
    `    mosquitto_sub -h ${host} -p ${runtime.broker.mqttPort} -t 'lorawan/#' -v`,
    "  Read a device's shadow:",
    `    ${awsEnv} aws --endpoint-url ${urls.aws} iot-data get-thing-shadow --thing-name ${thing} --shadow-name lorawan /dev/stdout`,
    "  List things and recent workflow executions:",
    `    ${awsEnv} aws --endpoint-url ${urls.aws} iot list-things --attribute-name stackName --attribute-value ${config.stackName}`,
    `    ${awsEnv} aws --endpoint-url ${urls.aws} stepfunctions list-executions --state-machine-arn ${runtime.workflows.stateMachineArn("upstream")} --max-results 5`,
    "",
    "  Ctrl-C stops cleanly; state is kept for the next start.",
    "",
  ].join("\n");
}
