/**
 * Which AWS service a request is for: the SigV4 credential scope names it (`iot`, `iotdata`,
 * `secretsmanager`, `states`, `logs`, `sqs`); unsigned requests fall back to `X-Amz-Target` and then the path.
 */
import type { IncomingHttpHeaders } from "node:http";

/**
 * Signing names that differ from the service: botocore (the AWS CLI) signs the IoT control plane as
 * `execute-api`, where the JavaScript SDK signs it as `iot`.
 */
const SIGNING_NAME_ALIASES: Readonly<Record<string, string>> = {
  "execute-api": "iot",
};

const TARGET_PREFIXES: Readonly<Record<string, string>> = {
  secretsmanager: "secretsmanager",
  AWSStepFunctions: "states",
  Logs_20140328: "logs",
  AmazonSQS: "sqs",
};

export function detectService(headers: IncomingHttpHeaders, segments: readonly string[]): string {
  return (
    serviceFromAuthorization(headers.authorization) ??
    serviceFromTarget(headers["x-amz-target"]) ??
    serviceFromPath(segments)
  );
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/iot/aws4_request, SignedHeaders=…` */
export function serviceFromAuthorization(authorization: string | undefined): string | undefined {
  const scope = /Credential=([^,\s]+)/.exec(authorization ?? "")?.[1];
  const signingName = scope?.split("/")[3];
  return signingName === undefined ? undefined : (SIGNING_NAME_ALIASES[signingName] ?? signingName);
}

function serviceFromTarget(target: string | string[] | undefined): string | undefined {
  if (typeof target !== "string") return undefined;
  return TARGET_PREFIXES[target.split(".")[0] ?? ""];
}

function serviceFromPath(segments: readonly string[]): string {
  const [first, , third] = segments;
  const isDataPlane = first === "topics" || first === "api" || (first === "things" && third === "shadow");
  return isDataPlane ? "iotdata" : "iot";
}
