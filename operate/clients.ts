/** The SDK clients commands use, configured like the functions' (`clientConfig`): one code path for AWS and local. */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeEndpointCommand, type IoTClient } from "@aws-sdk/client-iot";
import type { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";
import { clientConfig, iotDataClientFor } from "../functions/runtime/aws-clients.ts";
import type { Target } from "./target.ts";

export function logsClientFor(target: Target): CloudWatchLogsClient {
  return new CloudWatchLogsClient(
    clientConfig(target.sdkEnvironment, target.sdkEnvironment["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"]),
  );
}

export function lambdaClientFor(target: Target): LambdaClient {
  return new LambdaClient(clientConfig(target.sdkEnvironment, target.sdkEnvironment["AWS_ENDPOINT_URL_LAMBDA"]));
}

export function sfnClientFor(target: Target): SFNClient {
  return new SFNClient(clientConfig(target.sdkEnvironment, target.sdkEnvironment["AWS_ENDPOINT_URL_SFN"]));
}

export function sqsClientFor(target: Target): SQSClient {
  return new SQSClient(clientConfig(target.sdkEnvironment, target.sdkEnvironment["AWS_ENDPOINT_URL_SQS"]));
}

/**
 * The IoT data plane of the target's account. An endpoint URL the target names (`--endpoint-url`,
 * `--local`, `AWS_ENDPOINT_URL[_IOT_DATA_PLANE]`) serves it; on AWS it is the account's own
 * `iot:Data-ATS` endpoint (DescribeEndpoint), as the stack gives the functions.
 */
export async function iotDataClientForTarget(target: Target, iot: IoTClient): Promise<IoTDataPlaneClient> {
  const env = target.sdkEnvironment;
  if (env["AWS_ENDPOINT_URL_IOT_DATA_PLANE"] !== undefined || env["AWS_ENDPOINT_URL"] !== undefined) {
    return iotDataClientFor(env, undefined);
  }
  const { endpointAddress } = await iot.send(new DescribeEndpointCommand({ endpointType: "iot:Data-ATS" }));
  return iotDataClientFor(env, endpointAddress);
}
