/**
 * The AWS IoT pub/sub the embedded default registers in its simulated TTS at start: what
 * `configure-tts-pubsub` would set for this deployment (same request builder), pointing at the local
 * stand-in for IoT Core, so `doctor --local` finds a pub/sub to check. There is no IAM locally: the
 * role ARN is the one the stack would create (`<stack>-tts`, infra/tts/tts-access-role.ts) in the
 * local account, and the ExternalId a fixed `local`. Its endpoint address is the bind host, the host
 * the local `DescribeEndpoint` answers, so `doctor` finds the two equal.
 */
import { type AwsIotPubSub, setAwsIotPubSubRequest, ttsPubSubId } from "../../functions/tts/pubsub.ts";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../aws/index.ts";

/**
 * TTS's `endpoint_address` takes a host name without port. An IPv6 bind host is none: the address is
 * left empty, which TTS fills in itself (DescribeEndpoint with the assumed role) and `doctor` does not
 * compare; any other name would differ from what the local `DescribeEndpoint` answers.
 */
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;

export function localAwsIotPubSub(options: {
  readonly applicationId: string;
  readonly stackName: string;
  readonly bindHost: string;
}): AwsIotPubSub {
  return {
    applicationId: options.applicationId,
    pubSubId: ttsPubSubId(options.stackName),
    region: LOCAL_REGION,
    roleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${options.stackName}-tts`,
    externalId: "local",
    endpointAddress: HOST_NAME.test(options.bindHost) ? options.bindHost : "",
    stackName: options.stackName,
  };
}

/** The body TTS's Set takes for it (`{"pubsub": …, "field_mask": …}`). */
export function localPubSubSetBody(pubSub: AwsIotPubSub): unknown {
  return setAwsIotPubSubRequest(pubSub).body;
}
