/**
 * How large a request body each service of the local endpoint reads, by signing name. Where AWS
 * documents a request quota the local endpoint takes it; elsewhere a bound far above any valid request
 * keeps a runaway client from filling memory. Over the bound: 413 RequestEntityTooLargeException, the
 * answer AWS IoT's data plane documents (Publish, UpdateThingShadow); the other services document the
 * quota but not the answer, so they give the same one.
 */
import { IOT_MESSAGE_LIMITS } from "../../functions/core/aws-limits.ts";
import type { RequestBodyTooLargeError } from "../net/request-body.ts";
import { AwsError } from "./errors.ts";

const MIB = 1024 * 1024;

/** For a service not listed: the largest valid request of IoT's registry or Secrets Manager (a 64 KB secret) is far below. */
const DEFAULT_MAX_REQUEST_BODY_BYTES = MIB;

const MAX_REQUEST_BODY_BYTES: Readonly<Record<string, number>> = {
  /** AWS IoT Core quotas: an HTTP publish (and so any data-plane request) carries at most 128 KB. */
  iotdata: IOT_MESSAGE_LIMITS.maxPayloadBytes,
  /** Step Functions quotas, "Maximum request size": 1 MB per request, headers included. */
  states: MIB,
};

export function maxRequestBodyBytes(service: string): number {
  return MAX_REQUEST_BODY_BYTES[service] ?? DEFAULT_MAX_REQUEST_BODY_BYTES;
}

export function requestTooLarge(error: RequestBodyTooLargeError, service: string): AwsError {
  return new AwsError("RequestEntityTooLargeException", `The ${service} request is too large: ${error.message}`, 413);
}
