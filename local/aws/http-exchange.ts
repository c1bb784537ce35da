/** Reading AWS requests off node:http and writing responses and errors in the shapes the SDK parses. */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AwsRequest, AwsResponse } from "./aws-request.ts";
import { AwsError } from "./errors.ts";
import { splitPath } from "./rest-routes.ts";

/** What is known of a request before its body is read: enough to pick the service and its body bound. */
export type AwsRequestHead = Omit<AwsRequest, "body">;

export function readRequestHead(incoming: IncomingMessage): AwsRequestHead {
  const url = new URL(incoming.url ?? "/", "http://localhost");
  let segments: string[];
  try {
    segments = splitPath(url.pathname).map(decodeURIComponent);
  } catch {
    throw new AwsError("InvalidRequestException", `Malformed percent-encoding in path ${url.pathname}`);
  }
  return {
    method: incoming.method ?? "GET",
    segments,
    rawPath: url.pathname,
    query: url.searchParams,
    headers: incoming.headers,
  };
}

export function sendResponse(outgoing: ServerResponse, contentType: string, response: AwsResponse): void {
  const body = response.raw ?? Buffer.from(JSON.stringify(response.json ?? {}));
  outgoing.writeHead(response.status ?? 200, {
    "content-type": response.raw === undefined ? contentType : (response.contentType ?? "application/json"),
    "content-length": body.length,
    "x-amzn-requestid": randomUUID(),
  });
  outgoing.end(body);
}

/** The code goes both in `x-amzn-ErrorType` (REST-JSON) and `__type` (JSON 1.0/1.1). */
export function sendError(
  outgoing: ServerResponse,
  contentType: string,
  error: AwsError,
  headers: Readonly<Record<string, string>> = {},
): void {
  const body = Buffer.from(JSON.stringify({ __type: error.code, message: error.message }));
  outgoing.writeHead(error.status, {
    ...headers,
    "content-type": contentType,
    "content-length": body.length,
    "x-amzn-errortype": error.code,
    "x-amzn-requestid": randomUUID(),
    ...(error.queryErrorCode === undefined ? {} : { "x-amzn-query-error": `${error.queryErrorCode};${error.fault}` }),
  });
  outgoing.end(body);
}
