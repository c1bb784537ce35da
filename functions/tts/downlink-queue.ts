/**
 * TTS's downlink queue (TTS v3: `POST /api/v3/as/applications/{app}/devices/{dev}/down/push|replace`):
 * the body and path of a call, and one call classified — accepted, refused for good (with TTS's own
 * message), or unavailable (worth retrying: 408/429/5xx, network errors, timeouts — with
 * `Retry-After` if given).
 */
import { type TtsApplicationDownlink, ttsApplicationDownlink } from "../core/downlink/application-downlink.ts";
import { DOWNLINK_ERRORS, type DownlinkErrorCode, GRPC_CODES, type GrpcCode } from "../core/downlink/errors.ts";
import type { DownlinkRequest } from "../core/downlink/request.ts";
import { answerText, callTts } from "./http.ts";

/** The body of `POST /api/v3/as/applications/{app}/devices/{dev}/down/push|replace`. */
export interface TtsDownlinkQueueRequest {
  downlinks: [TtsApplicationDownlink];
}

/**
 * The body of the TTS downlink queue call for a request: its `ApplicationDownlink`, whose
 * `correlation_ids` are `options.correlationIds` followed by the request's `correlationId` (once).
 */
export function ttsDownlinkQueueRequest(
  request: DownlinkRequest,
  options: { readonly correlationIds: readonly string[] },
): TtsDownlinkQueueRequest {
  return { downlinks: [ttsApplicationDownlink(request, options.correlationIds)] };
}

/** The path of the TTS downlink queue call (segments URL-encoded), relative to the TTS base URL. */
export function ttsQueuePath(applicationId: string, deviceId: string, replace: boolean): string {
  const app = encodeURIComponent(applicationId);
  const dev = encodeURIComponent(deviceId);
  return `/api/v3/as/applications/${app}/devices/${dev}/down/${replace ? "replace" : "push"}`;
}

/** What went wrong with a TTS downlink queue call, from its HTTP status (and TTS's own gRPC code, if any). */
export interface TtsFailure {
  readonly name: Extract<
    DownlinkErrorCode,
    "tts_unauthorized" | "tts_device_not_found" | "tts_rejected" | "tts_unavailable"
  >;
  readonly code: GrpcCode;
  readonly retryable: boolean;
}

/**
 * Classifies a non-2xx answer of the TTS downlink queue API. TTS error bodies carry their gRPC code
 * (`{"code":3,"message":…,"details":[…]}`); without one, the code is inferred from the status the way
 * TTS maps them (`pkg/errors/http.go`: 400 ← INVALID_ARGUMENT / FAILED_PRECONDITION / OUT_OF_RANGE,
 * 409 ← ALREADY_EXISTS / ABORTED…).
 */
export function ttsFailureFor(httpStatus: number, ttsGrpcCode?: number): TtsFailure {
  const given = isGrpcCode(ttsGrpcCode) && ttsGrpcCode !== GRPC_CODES.OK ? ttsGrpcCode : undefined;
  if (httpStatus === 401) return failure("tts_unauthorized", GRPC_CODES.UNAUTHENTICATED);
  if (httpStatus === 403) return failure("tts_unauthorized", GRPC_CODES.PERMISSION_DENIED);
  if (httpStatus === 404) return failure("tts_device_not_found", GRPC_CODES.NOT_FOUND);
  if (httpStatus === 408 || httpStatus === 429 || (httpStatus >= 500 && httpStatus !== 501)) {
    return failure("tts_unavailable", GRPC_CODES.UNAVAILABLE);
  }
  const inferred =
    httpStatus === 409
      ? GRPC_CODES.ALREADY_EXISTS
      : httpStatus === 501
        ? GRPC_CODES.UNIMPLEMENTED
        : GRPC_CODES.INVALID_ARGUMENT;
  return failure("tts_rejected", given ?? inferred);
}

/** Whether it is retried is the error catalogue's to say. */
function failure(name: TtsFailure["name"], code: GrpcCode): TtsFailure {
  return { name, code, retryable: DOWNLINK_ERRORS[name].retryable };
}

const KNOWN_GRPC_CODES: ReadonlySet<number> = new Set(Object.values(GRPC_CODES));

function isGrpcCode(value: unknown): value is GrpcCode {
  return typeof value === "number" && KNOWN_GRPC_CODES.has(value);
}

export interface TtsQueueCall {
  readonly ttsUrl: string;
  readonly apiKey: string;
  readonly applicationId: string;
  readonly deviceId: string;
  readonly request: DownlinkRequest;
  readonly correlationIds: readonly string[];
  readonly timeoutMs: number;
}

export type TtsQueueOutcome =
  | { readonly ok: true; readonly path: string }
  | {
      readonly ok: false;
      readonly path: string;
      readonly failure: TtsFailure;
      readonly status: number | undefined;
      /** TTS's (or the network's) explanation, for the operator and the application. */
      readonly message: string;
      readonly retryAfterSeconds: number | undefined;
    };

export async function callTtsQueue(call: TtsQueueCall, fetchImpl?: typeof fetch): Promise<TtsQueueOutcome> {
  const path = ttsQueuePath(call.applicationId, call.deviceId, call.request.replace);
  const answer = await callTts({
    ttsUrl: call.ttsUrl,
    apiKey: call.apiKey,
    method: "POST",
    path,
    body: ttsDownlinkQueueRequest(call.request, { correlationIds: call.correlationIds }),
    timeoutMs: call.timeoutMs,
    fetch: fetchImpl,
  });
  if (!answer.reached) {
    return {
      ok: false,
      path,
      failure: ttsFailureFor(503),
      status: undefined,
      message: answer.reason,
      retryAfterSeconds: undefined,
    };
  }
  if (answer.ok) return { ok: true, path };
  return {
    ok: false,
    path,
    failure: ttsFailureFor(answer.status, answer.code),
    status: answer.status,
    message: answerText(answer),
    retryAfterSeconds: answer.retryAfterSeconds,
  };
}
