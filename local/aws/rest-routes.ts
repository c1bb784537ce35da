/** Method + path-template routing for the REST-JSON services (IoT registry, IoT data plane). */
import type { AwsRequest, AwsResponse, ResolvedOperation } from "./aws-request.ts";

export interface RestRoute {
  readonly method: string;
  /** e.g. `/things/{thingName}/shadow` */
  readonly path: string;
  readonly operation: string;
  readonly handle: (
    params: Readonly<Record<string, string>>,
    request: AwsRequest,
  ) => AwsResponse | Promise<AwsResponse>;
}

export function resolveRestRoute(routes: readonly RestRoute[], request: AwsRequest): ResolvedOperation | undefined {
  for (const route of routes) {
    if (route.method !== request.method) continue;
    const params = matchPathTemplate(route.path, request.segments);
    if (params !== undefined) return { name: route.operation, run: () => route.handle(params, request) };
  }
  return undefined;
}

/** The template's `{label}` values, or `undefined` when the path does not fit the template. */
export function matchPathTemplate(template: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = splitPath(template);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index] ?? "";
    const label = /^\{(\w+)\}$/.exec(part)?.[1];
    if (label !== undefined) {
      if (segment === "") return undefined;
      params[label] = segment;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}

export function splitPath(path: string): string[] {
  return path.split("/").filter((part) => part !== "");
}
