/**
 * One request to the simulated downlink queue API, minus the HTTP plumbing: route, authenticate,
 * find the device, validate, act. Checks run in this order so each test can aim at one answer:
 * route (404/405) → Authorization present (401) → revoked keys fault (401) → application exists (404)
 * → key matches the application's (401) → device exists (404) → body valid (400) → queue capacity (429).
 * All but the last two need no body, so the server can answer them before reading one.
 */
import { timingSafeEqual } from "node:crypto";
import { InvalidDownlinkRequestError, parseDownlinkQueueRequest } from "./downlink-request.ts";
import type { DownlinkService } from "./downlink-service.ts";
import type { FaultInjector } from "./fault-injector.ts";
import type { SimulatedFleet } from "./fleet.ts";
import type { SimulatedDevice } from "./simulated-device.ts";
import { ttsErrors } from "./tts-api-errors.ts";
import { type DownlinkQueueRoute, matchRoute } from "./tts-api-routes.ts";

export type ApiKeys = ReadonlyMap<string, string> | ((applicationId: string) => string | undefined);

export interface TtsApiContext {
  readonly fleet: SimulatedFleet;
  readonly apiKeys: ApiKeys;
  readonly faults: FaultInjector;
  readonly downlinks: DownlinkService;
}

export interface ApiRequest {
  readonly method: string;
  readonly pathname: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Answers with a value or throws `TtsApiError`. */
export async function handleApiRequest(context: TtsApiContext, request: ApiRequest): Promise<ApiResponse> {
  const { route, device } = authorizeApiRequest(context, request);
  if (route.action === "list") {
    const queued = context.downlinks.queues.list(route.applicationId, route.deviceId);
    // TTS renders an empty list as `{}`: its JSON omits zero values.
    return { status: 200, body: queued.length === 0 ? {} : { downlinks: queued } };
  }
  const downlinks = parseBody(request.body);
  if (route.action === "push") await context.downlinks.push(device, downlinks);
  else await context.downlinks.replace(device, downlinks);
  // TTS answers a queue operation with google.protobuf.Empty.
  return { status: 200, body: {} };
}

/** Every check that needs no body, in order: the route and the device the request may act on, or a `TtsApiError`. */
export function authorizeApiRequest(
  context: TtsApiContext,
  request: Omit<ApiRequest, "body">,
): { route: DownlinkQueueRoute; device: SimulatedDevice } {
  const match = matchRoute(request.method, request.pathname);
  if (match.kind === "notFound") throw ttsErrors.routeNotFound(request.pathname);
  if (match.kind === "methodNotAllowed") throw ttsErrors.methodNotAllowed(request.method, request.pathname);
  const { route } = match;

  const key = bearerKey(request.authorization);
  if (key === undefined) throw ttsErrors.unauthenticated();
  if (context.faults.rejectingKeys) throw ttsErrors.apiKeyNotFound();
  if (route.applicationId !== context.fleet.applicationId) throw ttsErrors.applicationNotFound(route.applicationId);
  const expected = keyFor(context.apiKeys, route.applicationId);
  if (expected === undefined || !sameKey(key, expected)) throw ttsErrors.apiKeyNotFound();
  const device = context.fleet.find(route.deviceId);
  if (device === undefined) throw ttsErrors.endDeviceNotFound(route.applicationId, route.deviceId);
  return { route, device };
}

function parseBody(text: string) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw ttsErrors.validation("(body)", `is not JSON (${(error as Error).message})`);
  }
  try {
    return parseDownlinkQueueRequest(json);
  } catch (error) {
    if (error instanceof InvalidDownlinkRequestError) throw ttsErrors.validation(error.field, error.reason);
    throw error;
  }
}

/** `Bearer <key>`, scheme case-insensitive as in RFC 6750; anything else counts as no credentials. */
export function bearerKey(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

function keyFor(apiKeys: ApiKeys, applicationId: string): string | undefined {
  return typeof apiKeys === "function" ? apiKeys(applicationId) : apiKeys.get(applicationId);
}

function sameKey(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
