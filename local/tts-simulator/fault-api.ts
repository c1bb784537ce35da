/**
 * The simulator's own control resource, served on the TTS API's port but no part of TTS's API:
 *
 *   POST   /simulator/faults   adds a fault (JSON, see fault-spec.ts): 201 with the fault as stored, 400 if bad
 *   GET    /simulator/faults   the pending faults: 200 {"faults": […]}
 *   DELETE /simulator/faults   clears every fault (keys accepted again, no nack pending): 204
 *
 * No API key: it is a local test control, as open as the port it listens on (loopback by default).
 * Its requests are not recorded as TTS requests and no fault applies to them.
 */
import { type FaultInjector, InvalidFaultError } from "./fault-injector.ts";
import { parseFault } from "./fault-spec.ts";

const SIMULATOR_PATH_PREFIX = "/simulator/";
export const FAULTS_PATH = `${SIMULATOR_PATH_PREFIX}faults`;
const FAULTS_METHODS = "GET, POST, DELETE";

export interface ControlRequest {
  readonly method: string;
  readonly pathname: string;
  readonly body: string;
}

export interface ControlResponse {
  readonly status: number;
  /** undefined: no body (204). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export function isControlPath(pathname: string): boolean {
  return pathname.startsWith(SIMULATOR_PATH_PREFIX);
}

export function handleControlRequest(faults: FaultInjector, request: ControlRequest): ControlResponse {
  if (request.pathname.replace(/\/$/, "") !== FAULTS_PATH) {
    return problem(404, "NotFound", `no simulator resource at ${request.pathname}; try ${FAULTS_PATH}`);
  }
  switch (request.method) {
    case "GET":
      return { status: 200, body: { faults: faults.pending() } };
    case "POST":
      return addFault(faults, request.body);
    case "DELETE":
      faults.reset();
      return { status: 204 };
    default:
      return {
        ...problem(
          405,
          "MethodNotAllowed",
          `${request.method} is not allowed on ${FAULTS_PATH}; use ${FAULTS_METHODS}`,
        ),
        headers: { allow: FAULTS_METHODS },
      };
  }
}

function addFault(faults: FaultInjector, text: string): ControlResponse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return problem(400, "InvalidFaultError", `the body is not JSON (${(error as Error).message})`);
  }
  try {
    return { status: 201, body: faults.inject(parseFault(json)) };
  } catch (error) {
    if (error instanceof InvalidFaultError) return problem(400, error.name, error.message);
    throw error;
  }
}

function problem(status: number, error: string, message: string): ControlResponse {
  return { status, body: { error, message } };
}
