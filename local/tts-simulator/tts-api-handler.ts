/**
 * One request to the simulated TTS API, minus the HTTP plumbing: authorize (tts-api-auth.ts), then the
 * route's handler. The downlink queue routes also need the device to be in the fleet (404 before the
 * body is read); the registries validate their bodies and answer TTS's errors (end-device-requests.ts,
 * pubsub-registry.ts).
 */
import { InvalidDownlinkRequestError, parseDownlinkQueueRequest } from "./downlink-request.ts";
import type { DownlinkService } from "./downlink-service.ts";
import type { EndDeviceRegistries } from "./end-device-registries.ts";
import {
  createInIdentityServer,
  type DeviceRequest,
  deleteFromRegistry,
  getFromRegistry,
  setInRegistry,
} from "./end-device-requests.ts";
import type { FaultInjector } from "./fault-injector.ts";
import { fieldMaskFromQuery } from "./field-mask.ts";
import type { SimulatedFleet } from "./fleet.ts";
import type { PubSubRegistry } from "./pubsub-registry.ts";
import type { SimulatedDevice } from "./simulated-device.ts";
import { type ApiKeys, type AuthorizedRequest, authorizeRequest, type RequestHead } from "./tts-api-auth.ts";
import { ttsErrors } from "./tts-api-errors.ts";
import type { RouteName } from "./tts-api-routes.ts";

export { type ApiKeyGrant, type ApiKeys, bearerKey } from "./tts-api-auth.ts";

export interface TtsApiContext {
  readonly fleet: SimulatedFleet;
  readonly apiKeys: ApiKeys;
  readonly faults: FaultInjector;
  readonly downlinks: DownlinkService;
  readonly registries: EndDeviceRegistries;
  readonly pubsubs: PubSubRegistry;
  readonly now: () => Date;
  /** After a device registry changed a device (created, set or deleted). */
  readonly onDeviceChanged?: (applicationId: string, deviceId: string) => void;
}

export interface ApiRequest extends RequestHead {
  /** The query string, `?field_mask=…` or empty. */
  readonly search?: string;
  readonly body: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}

type Handler = (context: TtsApiContext, request: Authorized, body: () => unknown) => unknown;
type Authorized = AuthorizedRequest & { readonly query: URLSearchParams };

/** Answers with a value or throws `TtsApiError`. */
export async function handleApiRequest(context: TtsApiContext, request: ApiRequest): Promise<ApiResponse> {
  const authorized = { ...authorizeApiRequest(context, request), query: new URLSearchParams(request.search ?? "") };
  const body = () => parseJson(request.body);
  const answer = await HANDLERS[authorized.route.definition.name](context, authorized, body);
  return { status: 200, body: answer };
}

/** Every check that needs no body, in order (tts-api-auth.ts; then, for the downlink queue, the device). */
export function authorizeApiRequest(context: TtsApiContext, head: RequestHead): AuthorizedRequest {
  const authorized = authorizeRequest(
    { applicationId: context.fleet.applicationId, apiKeys: context.apiKeys, faults: context.faults },
    head,
  );
  if (isDownlinkRoute(authorized.route.definition.name)) fleetDevice(context, authorized);
  return authorized;
}

function isDownlinkRoute(name: RouteName): boolean {
  return name === "push" || name === "replace" || name === "list";
}

function fleetDevice(context: TtsApiContext, request: AuthorizedRequest): SimulatedDevice {
  const deviceId = request.route.params["device_id"]!;
  const device = context.fleet.find(deviceId);
  if (device === undefined) throw ttsErrors.endDeviceNotFound(request.applicationId, deviceId);
  return device;
}

function deviceRequest(context: TtsApiContext, request: Authorized): DeviceRequest & { deviceId: string } {
  return {
    applicationId: request.applicationId,
    deviceId: request.route.params["device_id"] ?? "",
    requireRights: request.requireRights,
    now: context.now(),
  };
}

function changed<T>(context: TtsApiContext, request: Authorized, deviceId: string, answer: T): T {
  context.onDeviceChanged?.(request.applicationId, deviceId);
  return answer;
}

function downlinksOf(body: unknown) {
  try {
    return parseDownlinkQueueRequest(body);
  } catch (error) {
    if (error instanceof InvalidDownlinkRequestError) throw ttsErrors.validation(error.field, error.reason);
    throw error;
  }
}

const HANDLERS: Record<RouteName, Handler> = {
  list: (context, request) => {
    const queued = context.downlinks.queues.list(request.applicationId, request.route.params["device_id"]!);
    // TTS renders an empty list as `{}`: its JSON omits zero values.
    return queued.length === 0 ? {} : { downlinks: queued };
  },
  // TTS answers a queue operation with google.protobuf.Empty.
  push: async (context, request, body) => {
    await context.downlinks.push(fleetDevice(context, request), downlinksOf(body()));
    return {};
  },
  replace: async (context, request, body) => {
    await context.downlinks.replace(fleetDevice(context, request), downlinksOf(body()));
    return {};
  },
  // TTS lists the application rights the key holds, implied ones included; none: `{}`.
  rights: (_context, request) => (request.rights.length === 0 ? {} : { rights: request.rights }),
  authInfo: (_context, request) => ({
    api_key: {
      api_key: { id: apiKeyId(request.key), rights: request.rights },
      entity_ids: { application_ids: { application_id: request.applicationId } },
    },
  }),
  "pubsub.list": (context, request) =>
    context.pubsubs.answerList(request.applicationId, fieldMaskFromQuery(request.query)),
  "pubsub.get": (context, request) =>
    context.pubsubs.answerGet(
      request.applicationId,
      request.route.params["pub_sub_id"]!,
      fieldMaskFromQuery(request.query),
    ),
  "pubsub.set": (context, request, body) =>
    context.pubsubs.set(request.applicationId, request.route.params["pub_sub_id"]!, body(), context.now()),
  "pubsub.delete": (context, request) => {
    context.pubsubs.delete(request.applicationId, request.route.params["pub_sub_id"]!);
    return {};
  },
  "is.create": (context, request, body) => {
    const device = createInIdentityServer(context.registries, deviceRequest(context, request), body());
    return changed(context, request, String((device["ids"] as { device_id: string }).device_id), device);
  },
  "is.get": (context, request) => getDevice(context, request, "is"),
  "is.delete": (context, request) => deleteDevice(context, request, "is"),
  "js.set": (context, request, body) => setDevice(context, request, "js", body),
  "js.get": (context, request) => getDevice(context, request, "js"),
  "js.delete": (context, request) => deleteDevice(context, request, "js"),
  "ns.set": (context, request, body) => setDevice(context, request, "ns", body),
  "ns.get": (context, request) => getDevice(context, request, "ns"),
  "ns.delete": (context, request) => deleteDevice(context, request, "ns"),
  "as.set": (context, request, body) => setDevice(context, request, "as", body),
  "as.get": (context, request) => getDevice(context, request, "as"),
  "as.delete": (context, request) => deleteDevice(context, request, "as"),
};

function getDevice(context: TtsApiContext, request: Authorized, server: "is" | "js" | "ns" | "as") {
  return getFromRegistry(
    context.registries,
    server,
    deviceRequest(context, request),
    fieldMaskFromQuery(request.query),
  );
}

function setDevice(context: TtsApiContext, request: Authorized, server: "js" | "ns" | "as", body: () => unknown) {
  const device = deviceRequest(context, request);
  return changed(context, request, device.deviceId, setInRegistry(context.registries, server, device, body()));
}

function deleteDevice(context: TtsApiContext, request: Authorized, server: "is" | "js" | "ns" | "as") {
  const device = deviceRequest(context, request);
  deleteFromRegistry(context.registries, server, device);
  return changed(context, request, device.deviceId, {});
}

/** TTS API keys read `NNSXS.<ID>.<secret>`; `auth_info` shows the ID, never the secret. */
function apiKeyId(key: string): string {
  const parts = key.split(".");
  return parts.length === 3 ? parts[1]! : "SIMULATED";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw ttsErrors.validation("(body)", `is not JSON (${(error as Error).message})`);
  }
}
