/** The routes of TTS's Application Server downlink queue API that the simulator serves. */

export const DOWNLINK_QUEUE_ACTIONS = ["push", "replace", "list"] as const;
export type DownlinkQueueAction = (typeof DOWNLINK_QUEUE_ACTIONS)[number];

export interface DownlinkQueueRoute {
  readonly applicationId: string;
  readonly deviceId: string;
  readonly action: DownlinkQueueAction;
}

export type RouteMatch =
  | { readonly kind: "route"; readonly route: DownlinkQueueRoute }
  | { readonly kind: "notFound" }
  | { readonly kind: "methodNotAllowed"; readonly allow: string };

const DOWNLINK_QUEUE_PATH = /^\/api\/v3\/as\/applications\/([^/]+)\/devices\/([^/]+)\/down(?:\/(push|replace))?\/?$/;

/** `pathname` without the query string. */
export function matchRoute(method: string, pathname: string): RouteMatch {
  const match = DOWNLINK_QUEUE_PATH.exec(pathname);
  if (match === null) return { kind: "notFound" };
  let applicationId: string;
  let deviceId: string;
  try {
    applicationId = decodeURIComponent(match[1]!);
    deviceId = decodeURIComponent(match[2]!);
  } catch {
    return { kind: "notFound" };
  }
  const action: DownlinkQueueAction = match[3] === "push" ? "push" : match[3] === "replace" ? "replace" : "list";
  const allow = action === "list" ? "GET" : "POST";
  if (method !== allow) return { kind: "methodNotAllowed", allow };
  return { kind: "route", route: { applicationId, deviceId, action } };
}
