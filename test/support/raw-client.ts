/**
 * Clients that misbehave on purpose, on raw sockets (node:net): what no HTTP library will send. And a
 * watch on what the process writes to stderr meanwhile: a client hanging up is no reason for a stack trace.
 */
import { connect } from "node:net";
import { vi } from "vitest";

/** Sends `data` on a fresh connection to 127.0.0.1:`port`, collects what comes back for `waitMs`, then destroys the socket. */
export function sendAndHangUp(port: number, data: string | Buffer, waitMs = 200): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = "";
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(data);
      setTimeout(() => {
        socket.destroy();
        resolve(received);
      }, waitMs);
    });
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    socket.on("error", reject);
  });
}

/** Sends `data`, then waits for the server to answer and close (or `timeoutMs`); the whole answer, as text. */
export function sendUntilClosed(port: number, data: string | Buffer, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = "";
    const socket = connect(port, "127.0.0.1", () => socket.write(data));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${timeoutMs} ms; received so far: ${JSON.stringify(received.slice(0, 300))}`));
    }, timeoutMs);
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    // The server may reset the connection after its answer; what it said before still counts.
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

/** The head of an HTTP/1.1 request: `POST /path` plus headers, ending with the blank line. */
export function requestHead(requestLine: string, headers: Readonly<Record<string, string | number>>): string {
  const lines = Object.entries({ host: "127.0.0.1", ...headers }).map(([name, value]) => `${name}: ${value}`);
  return `${requestLine} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`;
}

/** The status code of a raw HTTP answer, or undefined when nothing came. */
export function statusOf(answer: string): number | undefined {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(answer);
  return match === null ? undefined : Number(match[1]);
}

export interface StderrWatch {
  /** Everything written through console.error and process.stderr since the watch began. */
  text(): string;
  restore(): void;
}

/** Captures (and silences) console.error and process.stderr.write until `restore()`. */
export function watchStderr(): StderrWatch {
  const written: string[] = [];
  const consoleSpy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    written.push(`${args.map((arg) => (arg instanceof Error ? (arg.stack ?? arg.message) : String(arg))).join(" ")}\n`);
  });
  const stderrSpy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString());
    return true;
  });
  return {
    text: () => written.join(""),
    restore: () => {
      consoleSpy.mockRestore();
      stderrSpy.mockRestore();
    },
  };
}
