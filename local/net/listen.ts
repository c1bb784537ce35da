/** Listening on a port with an error an operator can act on: every local server starts through here. */
import type { Server } from "node:net";

export class PortInUseError extends Error {
  override readonly name = "PortInUseError";
  readonly host: string;
  readonly port: number;

  constructor(what: string, host: string, port: number, cause?: unknown) {
    super(`${what}: ${host}:${port} is already in use; choose another port`, { cause });
    this.host = host;
    this.port = port;
  }
}

/**
 * Starts `server` on host:port and resolves with the port actually bound (port 0 = any free port).
 * `what` names the endpoint and the option that moves it, e.g. `MQTT port (--mqtt-port)`.
 */
export function listen(server: Server, host: string, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (error.code === "EADDRINUSE") {
        reject(new PortInUseError(what, host, port, error));
      } else if (error.code === "EACCES") {
        reject(new Error(`${what}: not allowed to listen on ${host}:${port} (${error.message})`, { cause: error }));
      } else {
        reject(error);
      }
    };
    const onListening = () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/** Closes a server, ending open connections so shutdown never hangs on a lingering client. */
export function close(server: Server & { closeAllConnections?: () => void }): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/** A port that is free now (for a server that must be addressed before it starts). */
export async function freePort(host: string): Promise<number> {
  const { createServer } = await import("node:net");
  const probe = createServer();
  const port = await listen(probe, host, 0, "free port probe");
  await close(probe);
  return port;
}

/** A host as it stands in a URL: an IPv6 address in brackets (`http://[::1]:1885`). */
export function urlHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
