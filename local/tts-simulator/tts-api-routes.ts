/**
 * Every route of TTS's v3 HTTP API the simulator serves, in one table: method, path (as in
 * lorawan-stack's `api/ttn/lorawan/v3/*.proto` `google.api.http` options, under `/api/v3`), the server
 * that answers it, and the rights TTS requires (`rights.RequireApplication` in that server's handler).
 * Rights that depend on the request (keys named in a field mask) are added by the route's handler.
 * A route's `name` is what faults aim at (`action`).
 */
import type { TtsRegistry } from "../../functions/tts/end-devices.ts";
import type { TtsRight } from "./rights.ts";

export interface RouteDefinition {
  readonly name: string;
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** `{param}` stands for one path segment. */
  readonly path: string;
  /** The server that answers: one of the four that keep end devices. */
  readonly server: TtsRegistry;
  /** None: any valid key (TTS lists a key's own rights, whatever they are). */
  readonly rights: readonly TtsRight[];
}

const READ = "RIGHT_APPLICATION_DEVICES_READ";
const WRITE = "RIGHT_APPLICATION_DEVICES_WRITE";
const TRAFFIC_READ = "RIGHT_APPLICATION_TRAFFIC_READ";
const DOWN_WRITE = "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE";
const SETTINGS_BASIC = "RIGHT_APPLICATION_SETTINGS_BASIC";

const DEVICE_PATH = "/applications/{application_id}/devices/{device_id}";

export const ROUTES = [
  // Application Server downlink queue (pkg/applicationserver/io/grpc/grpc.go).
  {
    name: "push",
    method: "POST",
    path: `/api/v3/as${DEVICE_PATH}/down/push`,
    server: "as",
    rights: [DOWN_WRITE],
  },
  {
    name: "replace",
    method: "POST",
    path: `/api/v3/as${DEVICE_PATH}/down/replace`,
    server: "as",
    rights: [DOWN_WRITE],
  },
  { name: "list", method: "GET", path: `/api/v3/as${DEVICE_PATH}/down`, server: "as", rights: [TRAFFIC_READ] },
  // Identity Server: the key's rights (ApplicationAccess.ListRights) and what the key is (EntityAccess.AuthInfo).
  { name: "rights", method: "GET", path: "/api/v3/applications/{application_id}/rights", server: "is", rights: [] },
  { name: "authInfo", method: "GET", path: "/api/v3/auth_info", server: "is", rights: [] },
  // Application Server pub/sub registry (pkg/applicationserver/io/pubsub/grpc_pubsub.go).
  {
    name: "pubsub.list",
    method: "GET",
    path: "/api/v3/as/pubsub/{application_id}",
    server: "as",
    rights: [TRAFFIC_READ],
  },
  {
    name: "pubsub.get",
    method: "GET",
    path: "/api/v3/as/pubsub/{application_id}/{pub_sub_id}",
    server: "as",
    rights: [TRAFFIC_READ],
  },
  {
    name: "pubsub.set",
    method: "PUT",
    path: "/api/v3/as/pubsub/{application_id}/{pub_sub_id}",
    server: "as",
    rights: [SETTINGS_BASIC, TRAFFIC_READ, DOWN_WRITE],
  },
  {
    name: "pubsub.delete",
    method: "DELETE",
    path: "/api/v3/as/pubsub/{application_id}/{pub_sub_id}",
    server: "as",
    rights: [SETTINGS_BASIC, TRAFFIC_READ, DOWN_WRITE],
  },
  // The four end device registries (DESIGN §6).
  {
    name: "is.create",
    method: "POST",
    path: "/api/v3/applications/{application_id}/devices",
    server: "is",
    rights: [WRITE],
  },
  { name: "is.get", method: "GET", path: `/api/v3${DEVICE_PATH}`, server: "is", rights: [READ] },
  { name: "is.delete", method: "DELETE", path: `/api/v3${DEVICE_PATH}`, server: "is", rights: [WRITE] },
  { name: "js.set", method: "PUT", path: `/api/v3/js${DEVICE_PATH}`, server: "js", rights: [WRITE] },
  { name: "js.get", method: "GET", path: `/api/v3/js${DEVICE_PATH}`, server: "js", rights: [READ] },
  { name: "js.delete", method: "DELETE", path: `/api/v3/js${DEVICE_PATH}`, server: "js", rights: [WRITE] },
  { name: "ns.set", method: "PUT", path: `/api/v3/ns${DEVICE_PATH}`, server: "ns", rights: [WRITE] },
  { name: "ns.get", method: "GET", path: `/api/v3/ns${DEVICE_PATH}`, server: "ns", rights: [READ] },
  { name: "ns.delete", method: "DELETE", path: `/api/v3/ns${DEVICE_PATH}`, server: "ns", rights: [WRITE] },
  { name: "as.set", method: "PUT", path: `/api/v3/as${DEVICE_PATH}`, server: "as", rights: [WRITE] },
  { name: "as.get", method: "GET", path: `/api/v3/as${DEVICE_PATH}`, server: "as", rights: [READ] },
  { name: "as.delete", method: "DELETE", path: `/api/v3/as${DEVICE_PATH}`, server: "as", rights: [WRITE] },
] as const satisfies readonly RouteDefinition[];

export type RouteName = (typeof ROUTES)[number]["name"];
export const ROUTE_NAMES = ROUTES.map((route) => route.name) as [RouteName, ...RouteName[]];

export interface MatchedRoute {
  readonly definition: RouteDefinition & { readonly name: RouteName };
  /** Decoded path parameters, e.g. `{application_id: "app1", device_id: "dev1"}`. */
  readonly params: Readonly<Record<string, string>>;
}

export type RouteMatch =
  | { readonly kind: "route"; readonly route: MatchedRoute }
  | { readonly kind: "notFound" }
  | { readonly kind: "methodNotAllowed"; readonly allow: string };

const COMPILED = ROUTES.map((definition) => {
  const names: string[] = [];
  const source = definition.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { definition, names, pattern: new RegExp(`^${source}/?$`) };
});

/** `pathname` without the query string. Several routes share a path and differ by method: 405 lists them. */
export function matchRoute(method: string, pathname: string): RouteMatch {
  const allowed: string[] = [];
  for (const { definition, names, pattern } of COMPILED) {
    const match = pattern.exec(pathname);
    if (match === null) continue;
    const params = decodeParams(names, match.slice(1));
    if (params === undefined) return { kind: "notFound" };
    if (definition.method === method) return { kind: "route", route: { definition, params } };
    allowed.push(definition.method);
  }
  return allowed.length === 0 ? { kind: "notFound" } : { kind: "methodNotAllowed", allow: allowed.join(", ") };
}

function decodeParams(names: readonly string[], values: readonly string[]): Record<string, string> | undefined {
  try {
    return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(values[index]!)]));
  } catch {
    return undefined;
  }
}
