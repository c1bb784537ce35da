/**
 * One exchange with the local endpoint, apart from how it travels: what a request gives (method, URL,
 * headers, a body read up to a bound) and the answer in the shapes the SDK parses. node:http and the
 * in-process SDK handler (in-process-handler.ts) both carry these, so both get the same answers.
 */
import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { AwsRequest, AwsResponse } from "./aws-request.ts";
import { AwsError } from "./errors.ts";
import { splitPath } from "./rest-routes.ts";

/** A request as it arrives, its body not read yet. */
export interface EndpointRequest {
  readonly method: string;
  /** Path and query, as on the request line. */
  readonly url: string;
  /** Names in lower case, as node:http gives them. */
  readonly headers: IncomingHttpHeaders;
  /**
   * The body, at most `maxBytes` of it: rejects with `RequestBodyTooLargeError` over the bound
   * (or `ClientAbortedError` when the client goes away mid-body).
   */
  readBody(maxBytes: number): Promise<Buffer>;
}

export interface EndpointResponse {
  readonly status: number;
  /** Names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** What is known of a request before its body is read: enough to pick the service and its body bound. */
export type AwsRequestHead = Omit<AwsRequest, "body">;

export function readRequestHead(request: EndpointRequest): AwsRequestHead {
  const url = new URL(request.url, "http://localhost");
  let segments: string[];
  try {
    segments = splitPath(url.pathname).map(decodeURIComponent);
  } catch {
    throw new AwsError("InvalidRequestException", `Malformed percent-encoding in path ${url.pathname}`);
  }
  return {
    method: request.method,
    segments,
    rawPath: url.pathname,
    query: url.searchParams,
    headers: request.headers,
  };
}

export function successResponse(contentType: string, response: AwsResponse): EndpointResponse {
  const body = response.raw ?? Buffer.from(JSON.stringify(response.json ?? {}));
  return {
    status: response.status ?? 200,
    headers: {
      "content-type": response.raw === undefined ? contentType : (response.contentType ?? "application/json"),
      "content-length": String(body.length),
      "x-amzn-requestid": randomUUID(),
    },
    body,
  };
}

/** The code goes both in `x-amzn-ErrorType` (REST-JSON) and `__type` (JSON 1.0/1.1). */
export function errorResponse(contentType: string, error: AwsError): EndpointResponse {
  const body = Buffer.from(JSON.stringify({ __type: error.code, message: error.message }));
  return {
    status: error.status,
    headers: {
      "content-type": contentType,
      "content-length": String(body.length),
      "x-amzn-errortype": error.code,
      "x-amzn-requestid": randomUUID(),
      ...(error.queryErrorCode === undefined ? {} : { "x-amzn-query-error": `${error.queryErrorCode};${error.fault}` }),
    },
    body,
  };
}

export function writeResponse(
  outgoing: ServerResponse,
  response: EndpointResponse,
  headers: Readonly<Record<string, string>> = {},
): void {
  outgoing.writeHead(response.status, { ...headers, ...response.headers });
  outgoing.end(response.body);
}
