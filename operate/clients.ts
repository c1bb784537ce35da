/** The SDK clients commands use, configured like the functions' (`clientConfig`): one code path for AWS and local. */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";
import { clientConfig } from "../functions/runtime/aws-clients.ts";
import type { Target } from "./target.ts";

export function logsClientFor(target: Target): CloudWatchLogsClient {
  return new CloudWatchLogsClient(
    clientConfig(target.sdkEnvironment, target.sdkEnvironment["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"]),
  );
}

export function sfnClientFor(target: Target): SFNClient {
  return new SFNClient(clientConfig(target.sdkEnvironment, target.sdkEnvironment["AWS_ENDPOINT_URL_SFN"]));
}

export function sqsClientFor(target: Target): SQSClient {
  return new SQSClient(clientConfig(target.sdkEnvironment, target.sdkEnvironment["AWS_ENDPOINT_URL_SQS"]));
}
