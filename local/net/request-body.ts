/**
 * Request bodies read up to a bound, for every local HTTP server (the AWS endpoint, the TTS simulator).
 * A declared `Content-Length` over the bound is refused before a byte is read; an undeclared (chunked)
 * body is refused as soon as it passes the bound, and what was read is dropped. A client that goes
 * away mid-body is its own error, so servers can tell it from a failure and stay quiet about it.
 */
import type { IncomingMessage } from "node:http";

export class RequestBodyTooLargeError extends Error {
  override readonly name = "RequestBodyTooLargeError";
  readonly maxBytes: number;

  constructor(maxBytes: number, declaredBytes?: number) {
    super(
      declaredBytes === undefined
        ? `the request body is over ${maxBytes} bytes`
        : `the request body is ${declaredBytes} bytes; the limit is ${maxBytes}`,
    );
    this.maxBytes = maxBytes;
  }
}

/** The client closed the connection before its request body was complete. */
export class ClientAbortedError extends Error {
  override readonly name = "ClientAbortedError";

  constructor(request: IncomingMessage) {
    super(
      `the client of ${request.method ?? "?"} ${request.url ?? "/"} went away before its request body was complete`,
    );
  }
}

/** Throws `RequestBodyTooLargeError` when the declared length alone is over `maxBytes`. */
function assertDeclaredLength(request: IncomingMessage, maxBytes: number): void {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) throw new RequestBodyTooLargeError(maxBytes, declared);
}

/** True when a body is on its way (declared, or chunked), which an early answer must not wait for. */
export function hasPendingBody(request: IncomingMessage): boolean {
  if (request.complete) return false;
  const declared = Number(request.headers["content-length"] ?? 0);
  return declared > 0 || request.headers["transfer-encoding"] !== undefined;
}

/**
 * The body, at most `maxBytes` of it. Rejects with `RequestBodyTooLargeError` (answer it with
 * `Connection: close`: the rest of the body is not read) or `ClientAbortedError`.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // A throw here rejects the promise.
    assertDeclaredLength(request, maxBytes);
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: Error | Buffer) => {
      request.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      if (outcome instanceof Buffer) resolve(outcome);
      else reject(outcome);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      chunks.length = 0;
      // Stop reading; node:http discards what still arrives until the answer closes the connection.
      request.pause();
      settle(new RequestBodyTooLargeError(maxBytes));
    };
    const onEnd = () => settle(Buffer.concat(chunks, size));
    const onError = () => settle(new ClientAbortedError(request));
    const onClose = () => {
      if (!request.complete) settle(new ClientAbortedError(request));
    };
    request.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}
