/**
 * TTS's downlink queue (TTS v3: `POST /api/v3/as/applications/{app}/devices/{dev}/down/push|replace`,
 * `GET …/down`): the body and path of a push, one push classified by what its answer tells about the
 * queue (see `TtsPushOutcome`), and a look into the queue for a correlation id.
 */
import { type TtsApplicationDownlink, ttsApplicationDownlink } from "../core/downlink/application-downlink.ts";
import { DOWNLINK_ERRORS, type DownlinkErrorCode, GRPC_CODES, type GrpcCode } from "../core/downlink/errors.ts";
import type { DownlinkRequest } from "../core/downlink/request.ts";
import { answerText, callTts } from "./http.ts";
import type { TtsTransport } from "./transport.ts";

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

export interface TtsDeviceCall {
  readonly ttsUrl: string;
  readonly apiKey: string;
  readonly applicationId: string;
  readonly deviceId: string;
  readonly timeoutMs: number;
}

export interface TtsPushCall extends TtsDeviceCall {
  readonly request: DownlinkRequest;
  readonly correlationIds: readonly string[];
}

/**
 * What a push (or replace) did, as far as the answer tells:
 * - `enqueued`: TTS took it;
 * - `refused`: TTS refused it for good (the key, the device, the downlink itself);
 * - `unavailable`: TTS did not take it and may later (429, or the request never left);
 * - `unknown`: TTS may or may not have queued it — no answer in time, a reset connection, 408 or 5xx
 *   (TTS may fail after queueing). Only the device's queue can tell.
 */
export type TtsPushOutcome =
  | { readonly kind: "enqueued"; readonly path: string }
  | {
      readonly kind: "refused";
      readonly path: string;
      readonly failure: TtsFailure;
      readonly status: number;
      readonly message: string;
    }
  | {
      readonly kind: "unavailable" | "unknown";
      /** null when it is not known how far the call got. */
      readonly path: string | null;
      readonly status: number | undefined;
      /** TTS's (or the network's) explanation, for the operator and the application. */
      readonly message: string;
      readonly retryAfterSeconds: number | undefined;
    };

export async function pushToTtsQueue(call: TtsPushCall, transport?: TtsTransport): Promise<TtsPushOutcome> {
  const path = ttsQueuePath(call.applicationId, call.deviceId, call.request.replace);
  const answer = await callTts({
    ttsUrl: call.ttsUrl,
    apiKey: call.apiKey,
    method: "POST",
    path,
    body: ttsDownlinkQueueRequest(call.request, { correlationIds: call.correlationIds }),
    timeoutMs: call.timeoutMs,
    transport,
  });
  if (!answer.reached) {
    const kind = answer.maybeProcessed ? "unknown" : "unavailable";
    return { kind, path, status: undefined, message: answer.reason, retryAfterSeconds: undefined };
  }
  if (answer.ok) return { kind: "enqueued", path };
  const failure = ttsFailureFor(answer.status, answer.code);
  if (!failure.retryable) return { kind: "refused", path, failure, status: answer.status, message: answerText(answer) };
  return {
    // A rate limit is a refusal before any work; other retryable statuses may come after it.
    kind: answer.status === 429 ? "unavailable" : "unknown",
    path,
    status: answer.status,
    message: answerText(answer),
    retryAfterSeconds: answer.retryAfterSeconds,
  };
}

/** The path of the device's downlink queue (`GET` lists it). */
function ttsQueueListPath(applicationId: string, deviceId: string): string {
  return `/api/v3/as/applications/${encodeURIComponent(applicationId)}/devices/${encodeURIComponent(deviceId)}/down`;
}

/** Whether the device's queue holds a downlink carrying `correlationId`, or why it could not be read. */
export type TtsQueueLookup =
  | { readonly kind: "found" | "absent" }
  | { readonly kind: "refused"; readonly failure: TtsFailure; readonly status: number; readonly message: string }
  | { readonly kind: "unavailable"; readonly message: string; readonly retryAfterSeconds: number | undefined };

export async function findInTtsQueue(
  call: TtsDeviceCall & { readonly correlationId: string },
  transport?: TtsTransport,
): Promise<TtsQueueLookup> {
  const answer = await callTts({
    ttsUrl: call.ttsUrl,
    apiKey: call.apiKey,
    method: "GET",
    path: ttsQueueListPath(call.applicationId, call.deviceId),
    timeoutMs: call.timeoutMs,
    transport,
  });
  if (!answer.reached) return { kind: "unavailable", message: answer.reason, retryAfterSeconds: undefined };
  if (!answer.ok) {
    const failure = ttsFailureFor(answer.status, answer.code);
    return failure.retryable
      ? { kind: "unavailable", message: answerText(answer), retryAfterSeconds: answer.retryAfterSeconds }
      : { kind: "refused", failure, status: answer.status, message: answerText(answer) };
  }
  return { kind: queuedCorrelationIds(answer.body).has(call.correlationId) ? "found" : "absent" };
}

/** Every correlation id of `ApplicationDownlinks` (`{"downlinks": [...]}`; `{}` when empty: TTS omits zero fields). */
function queuedCorrelationIds(body: unknown): ReadonlySet<string> {
  const downlinks = (body as { downlinks?: unknown } | null)?.downlinks;
  const ids = new Set<string>();
  if (!Array.isArray(downlinks)) return ids;
  for (const downlink of downlinks) {
    const correlationIds = (downlink as { correlation_ids?: unknown } | null)?.correlation_ids;
    if (!Array.isArray(correlationIds)) continue;
    for (const id of correlationIds) if (typeof id === "string") ids.add(id);
  }
  return ids;
}
