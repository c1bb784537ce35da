/**
 * An AWS SDK v3 request handler that hands each request to the local endpoint's dispatch in process:
 * the client serialises, signs and parses exactly as over HTTP (same middleware stack, same bytes), only
 * node:http and the loopback socket are left out. Hand-written: the SDK ships handlers for node:http,
 * HTTP/2 and fetch only; this implements the same interface (`HttpHandler` of @smithy/protocol-http).
 */
import type { HttpRequest } from "@smithy/types";
import type { SdkRequestHandler } from "../../functions/runtime/aws-clients.ts";
import { readAll } from "../../functions/runtime/read-all.ts";
import { RequestBodyTooLargeError } from "../net/request-body.ts";
import type { EndpointRequest, EndpointResponse } from "./http-exchange.ts";

/** What a client sees when the endpoint is gone, as over a socket (the SDK treats it as a network error). */
export class EndpointClosedError extends Error {
  override readonly name = "EndpointClosedError";
  readonly code = "ECONNREFUSED";

  constructor(url: string) {
    super(`connect ECONNREFUSED: the local AWS endpoint is closed (${url})`);
  }
}

export function inProcessRequestHandler(
  dispatch: (request: EndpointRequest) => Promise<EndpointResponse>,
  isClosed: () => boolean,
): SdkRequestHandler {
  return {
    metadata: { handlerProtocol: "http/1.1" },
    async handle(request, options) {
      // As node:http's handler answers an aborted request.
      if (options?.abortSignal?.aborted) throw Object.assign(new Error("Request aborted"), { name: "AbortError" });
      const url = requestUrl(request);
      if (isClosed()) throw new EndpointClosedError(url);
      const body = await bodyBytes(request.body);
      // No turn of the event loop here (a socket round trip would give one): an execution's few calls
      // run in one stretch of ~2 ms, and yielding at each cost ~40 % more CPU per uplink (measured) in
      // smaller journal batches and more interleaved executions.
      const response = await dispatch({
        method: request.method,
        url,
        headers: lowerCaseNames(request.headers),
        readBody: async (maxBytes) => {
          // The SDK always sends Content-Length: the HTTP path refuses on it before reading, and so does this.
          if (body.length > maxBytes) throw new RequestBodyTooLargeError(maxBytes, body.length);
          return body;
        },
      });
      return {
        response: {
          statusCode: response.status,
          headers: { ...response.headers },
          body: new Uint8Array(response.body),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
}

/** Path and query as node:http's handler would put them on the request line. */
function requestUrl(request: HttpRequest): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value === null) query.append(name, "");
    else for (const item of Array.isArray(value) ? value : [value]) query.append(name, item);
  }
  const search = query.size === 0 ? "" : `?${query}`;
  return `${request.path}${search}`;
}

function lowerCaseNames(headers: Readonly<Record<string, string>>): Record<string, string> {
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return lower;
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    return readAll(body as AsyncIterable<Uint8Array | string>);
  }
  throw new TypeError(`the local AWS endpoint cannot send a request body of type ${typeof body}`);
}
