/**
 * Who may call the simulated TTS API: one API key per application, each with TTS rights. A request is
 * checked in this order, each step TTS's answer: route (404/405) → Authorization present (401) →
 * revoked keys fault (401) → key is the simulator's application's (401 `api_key_not_found`) → the key
 * holds the route's rights (403 `no_application_rights` when it holds none — as for any other
 * application, where an application key has no rights — else `insufficient_application_rights`
 * naming the `missing` ones). No body is needed for any of it, so the server answers before reading one.
 */
import { timingSafeEqual } from "node:crypto";
import type { FaultInjector } from "./fault-injector.ts";
import { DEPLOYMENT_RIGHTS, impliedRights, missingRights, type TtsRight } from "./rights.ts";
import { ttsErrors } from "./tts-api-errors.ts";
import { type MatchedRoute, matchRoute } from "./tts-api-routes.ts";

/** A key and the rights TTS granted it (before implication: `RIGHT_APPLICATION_ALL` stays one right). */
export interface ApiKeyGrant {
  readonly key: string;
  readonly rights: readonly TtsRight[];
}

/** Per application: its key (with `DEPLOYMENT_RIGHTS`) or its key and rights. */
export type ApiKeys =
  | ReadonlyMap<string, string | ApiKeyGrant>
  | ((applicationId: string) => string | ApiKeyGrant | undefined);

export interface RequestHead {
  readonly method: string;
  readonly pathname: string;
  readonly authorization: string | undefined;
}

export interface AuthorizedRequest {
  readonly route: MatchedRoute;
  /** The path's application, or for `auth_info` the one the key belongs to (the simulator's). */
  readonly applicationId: string;
  readonly key: string;
  /** What the key may do now: its rights with those they imply, minus withheld ones. */
  readonly rights: readonly TtsRight[];
  /** Throws TTS's 403 unless the key also holds these. */
  readonly requireRights: (rights: readonly TtsRight[]) => void;
}

export interface AuthContext {
  readonly applicationId: string;
  readonly apiKeys: ApiKeys;
  readonly faults: FaultInjector;
}

/** Every check that needs no body, in order: the request as authorized, or a `TtsApiError`. */
export function authorizeRequest(context: AuthContext, head: RequestHead): AuthorizedRequest {
  const match = matchRoute(head.method, head.pathname);
  if (match.kind === "notFound") throw ttsErrors.routeNotFound(head.pathname);
  if (match.kind === "methodNotAllowed") throw ttsErrors.methodNotAllowed(head.method, head.pathname);
  const { route } = match;

  const key = bearerKey(head.authorization);
  if (key === undefined) throw ttsErrors.unauthenticated();
  if (context.faults.rejectingKeys) throw ttsErrors.apiKeyNotFound();
  const grant = grantOf(context.apiKeys, context.applicationId);
  if (grant === undefined || !sameKey(key, grant.key)) throw ttsErrors.apiKeyNotFound();
  const applicationId = route.params["application_id"] ?? context.applicationId;

  const withheld = context.faults.withheldRights;
  const rights =
    applicationId === context.applicationId ? impliedRights(grant.rights).filter((right) => !withheld.has(right)) : [];
  const requireRights = (required: readonly TtsRight[]) => {
    if (required.length === 0) return;
    if (rights.length === 0) throw ttsErrors.noApplicationRights(applicationId);
    const missing = missingRights(rights, required);
    if (missing.length > 0) throw ttsErrors.insufficientApplicationRights(applicationId, missing);
  };
  requireRights(route.definition.rights);
  return { route, applicationId, key, rights, requireRights };
}

/** `Bearer <key>`, scheme case-insensitive as in RFC 6750; anything else counts as no credentials. */
export function bearerKey(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

export function grantOf(apiKeys: ApiKeys, applicationId: string): ApiKeyGrant | undefined {
  const found = typeof apiKeys === "function" ? apiKeys(applicationId) : apiKeys.get(applicationId);
  return typeof found === "string" ? { key: found, rights: DEPLOYMENT_RIGHTS } : found;
}

function sameKey(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
