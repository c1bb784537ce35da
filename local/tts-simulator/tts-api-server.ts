/**
 * The simulated TTS v3 HTTP API on node:http, next to the simulator's MQTT session: the Application
 * Server's downlink queue (what the downlink workflow's Enqueue step calls in the local runtime), the
 * key's rights, the pub/sub registry and the four end device registries (routes in tts-api-routes.ts).
 * A device complete in all four registries joins the simulator's fleet (provisioned-devices.ts).
 * Every request is recorded (even refused ones) so tests can count exactly what TTS saw, the newest
 * ones within a bound (request-recorder.ts). The same port serves the simulator's own
 * `/simulator/faults` (fault-api.ts), which is neither recorded nor faulted.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { listen, urlHost } from "../net/listen.ts";
import { ClientAbortedError, hasPendingBody, RequestBodyTooLargeError, readBody } from "../net/request-body.ts";
import type { QueuedDownlink } from "./downlink-messages.ts";
import { DownlinkService } from "./downlink-service.ts";
import { EndDeviceRegistries } from "./end-device-registries.ts";
import { type ControlResponse as Answer, handleControlRequest, isControlPath } from "./fault-api.ts";
import { type ErrorAnswer, FaultInjector, type RequestFault, requestFaultKinds } from "./fault-injector.ts";
import { provisionedDevice } from "./provisioned-devices.ts";
import type { TtsSimulator } from "./publisher.ts";
import { PubSubRegistry } from "./pubsub-registry.ts";
import { type RecordedRequest, type RecorderLimits, RequestRecorder } from "./request-recorder.ts";
import { TtsApiError, ttsErrorBody, ttsErrors } from "./tts-api-errors.ts";
import {
  type ApiKeys,
  type ApiRequest,
  authorizeApiRequest,
  handleApiRequest,
  type TtsApiContext,
} from "./tts-api-handler.ts";
import { matchRoute } from "./tts-api-routes.ts";

/**
 * TTS reads up to 16 MiB (pkg/web/web.go, `webmiddleware.MaxBody`); the simulator 1 MiB, which holds
 * thousands of downlinks: the bridge sends one per request. Over it: TTS's `request_body_too_large`.
 */
export const MAX_TTS_BODY_BYTES = 1024 * 1024;
/** A fault is a few hundred bytes of JSON. */
const MAX_CONTROL_BODY_BYTES = 64 * 1024;

export interface TtsApiOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /**
   * The running simulator: its devices and its MQTT session (lifecycle messages go out through it).
   * With `addDevice`/`removeDevice`, devices provisioned through the registries join its fleet.
   */
  readonly simulator: Pick<TtsSimulator, "fleet" | "publish"> &
    Partial<Pick<TtsSimulator, "addDevice" | "removeDevice">>;
  /**
   * The API key of each application (what TTS would accept as `Authorization: Bearer <key>`), alone
   * (then it holds `DEPLOYMENT_RIGHTS`) or with its rights.
   */
  readonly apiKeys: ApiKeys;
  /** Pass one to configure faults before the first request; otherwise a fresh one. */
  readonly faults?: FaultInjector;
  readonly now?: () => Date;
  /** Lifecycle messages that could not be published; defaults to stderr. */
  readonly onError?: (error: Error) => void;
  /** How many requests, and how many bytes of their bodies, `requests()` keeps; default `DEFAULT_RECORDER_LIMITS`. */
  readonly recorderLimits?: RecorderLimits;
  /** Downlinks one device's queue holds; default TTS's, `DOWNLINK_QUEUE_CAPACITY` (10,000). */
  readonly downlinkQueueCapacity?: number;
  /** Devices each end device registry holds; default `DEFAULT_MAX_REGISTERED_DEVICES` (10,000). */
  readonly maxRegisteredDevices?: number;
}

export interface TtsApi {
  /** `http://<host>:<port>`: TTS's base URL (the `ttsUrl` of the design, before `/api/v3`). */
  readonly url: string;
  readonly port: number;
  readonly faults: FaultInjector;
  queue(applicationId: string, deviceId: string): readonly QueuedDownlink[];
  /** The four end device registries' state, e.g. `registries.join.get(app, dev)` (copies; root keys included). */
  readonly registries: EndDeviceRegistries;
  /** The Application Server's pub/sub registry; `pubsubs.set(…)` seeds one as TTS's Set would. */
  readonly pubsubs: PubSubRegistry;
  /**
   * The recorded requests with `seq` ≥ `since` (default 0: all of them), oldest first. Throws
   * `RecordedRequestsDroppedError` when some of those are no longer kept rather than return fewer.
   */
  requests(options?: { readonly since?: number }): readonly RecordedRequest[];
  /** Requests seen so far: the `seq` of the next one. Note it before acting, then ask for `requests({ since })`. */
  readonly requestCount: number;
  /** Unhooks the devices, drops delayed answers, closes every connection and the port. Idempotent. */
  close(): Promise<void>;
}

export async function startTtsApi(options: TtsApiOptions): Promise<TtsApi> {
  const faults = options.faults ?? new FaultInjector();
  const now = options.now ?? (() => new Date());
  const { fleet } = options.simulator;
  const downlinks = new DownlinkService({
    fleet,
    publish: (suffix, message) => options.simulator.publish(suffix, message),
    faults,
    now,
    ...(options.onError === undefined ? {} : { onError: options.onError }),
    ...(options.downlinkQueueCapacity === undefined ? {} : { queueCapacity: options.downlinkQueueCapacity }),
  });
  const registries = new EndDeviceRegistries(options.maxRegisteredDevices);
  const pubsubs = new PubSubRegistry();
  const { addDevice, removeDevice } = options.simulator;
  /** The devices this API added to the fleet: only those leave it when their registrations go. */
  const joined = new Set<string>();
  const onDeviceChanged = (applicationId: string, deviceId: string) => {
    if (addDevice === undefined || removeDevice === undefined) return;
    const provisioned = provisionedDevice(registries, applicationId, deviceId);
    if (provisioned !== undefined && !joined.has(deviceId) && fleet.find(deviceId) === undefined) {
      addDevice(provisioned);
      joined.add(deviceId);
    } else if (provisioned === undefined && joined.delete(deviceId)) {
      removeDevice(deviceId);
    }
  };
  const context: TtsApiContext = {
    fleet,
    apiKeys: options.apiKeys,
    faults,
    downlinks,
    registries,
    pubsubs,
    now,
    onDeviceChanged,
  };
  const recorder = new RequestRecorder(options.recorderLimits);
  const closing = new AbortController();

  const errorAnswer = (error: TtsApiError, headers: Readonly<Record<string, string>> = {}): Answer => ({
    status: error.status,
    body: ttsErrorBody(error, downlinks.errorCorrelationId()),
    headers,
  });
  const processRequest = async (request: ApiRequest): Promise<Answer> => {
    try {
      return await handleApiRequest(context, request);
    } catch (error) {
      if (error instanceof TtsApiError) return errorAnswer(error);
      throw error;
    }
  };
  const injectedError = (answer: ErrorAnswer) => errorAnswer(faultError(answer), retryAfter(answer));
  /** Refuses, or processes and then answers: as processed, with the injected error, or not at all ("reset"). */
  const answerUnder = async (fault: RequestFault, process: () => Promise<Answer>): Promise<Answer | "reset"> => {
    if (fault.refusal !== undefined) return injectedError(fault.refusal);
    if (fault.reset?.processed === false) return "reset";
    const answer = await process();
    if (fault.errorAfterProcessing !== undefined) return injectedError(fault.errorAfterProcessing);
    return fault.reset === undefined ? answer : "reset";
  };
  const wait = (ms: number) => sleep(ms, undefined, { signal: closing.signal });

  const handleTts = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const head = {
      method: request.method ?? "GET",
      pathname: url.pathname,
      search: url.search,
      authorization: request.headers.authorization,
    };
    const record = recorder.start({
      method: head.method,
      path: `${url.pathname}${url.search}`,
      hasAuthorization: head.authorization !== undefined,
      receivedAt: now(),
    });
    const reply = (answer: Answer) => {
      record.status = answer.status;
      send(response, answer);
    };
    const route = matchRoute(head.method, url.pathname);
    const action = route.kind === "route" ? route.route.definition.name : undefined;
    try {
      const refusal = faults.hasRequestFault(action) ? undefined : refusalWithoutBody(head);
      // TTS's answer, given before the body is read: a client without a valid key gets nothing buffered.
      if (refusal !== undefined)
        return reply(errorAnswer(refusal, hasPendingBody(request) ? { connection: "close" } : {}));
      const text = (await readBody(request, MAX_TTS_BODY_BYTES)).toString("utf8");
      recorder.setBody(record, text);
      const fault = faults.takeRequestFault(action);
      record.faults = requestFaultKinds(fault);
      if (fault.delayMs !== undefined) await wait(fault.delayMs);
      const answer = await answerUnder(fault, () => processRequest({ ...head, body: text }));
      if (fault.answerDelayMs !== undefined) await wait(fault.answerDelayMs);
      // An RST rather than a FIN: the client sees ECONNRESET, the rudest way a connection ends.
      if (answer === "reset") return void request.socket.resetAndDestroy();
      reply(answer);
    } catch (error) {
      // Nobody left to answer (closing, or the client hung up mid-body): drop the exchange quietly.
      if (closing.signal.aborted || error instanceof ClientAbortedError) return void response.destroy();
      if (error instanceof RequestBodyTooLargeError)
        return reply(errorAnswer(ttsErrors.requestBodyTooLarge(error.maxBytes), { connection: "close" }));
      reply(errorAnswer(ttsErrors.internal(error instanceof Error ? error.message : String(error))));
    }
  };
  const refusalWithoutBody = (head: Omit<ApiRequest, "body">) => {
    try {
      authorizeApiRequest(context, head);
      return undefined;
    } catch (error) {
      if (error instanceof TtsApiError) return error;
      throw error;
    }
  };

  const handleControl = async (request: IncomingMessage, response: ServerResponse, pathname: string) => {
    try {
      const body = (await readBody(request, MAX_CONTROL_BODY_BYTES)).toString("utf8");
      send(response, handleControlRequest(faults, { method: request.method ?? "GET", pathname, body }));
    } catch (error) {
      if (error instanceof ClientAbortedError) return void response.destroy();
      const tooLarge = error instanceof RequestBodyTooLargeError;
      send(response, {
        status: tooLarge ? 413 : 500,
        body: error instanceof Error ? { error: error.name, message: error.message } : { error: String(error) },
        headers: tooLarge ? { connection: "close" } : {},
      });
    }
  };

  const handle = (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", "http://tts.invalid");
    return isControlPath(url.pathname)
      ? handleControl(request, response, url.pathname)
      : handleTts(request, response, url);
  };

  const server = createServer((request, response) => void handle(request, response));
  const port = await listen(server, options.host, options.port, "TTS simulator HTTP API port (--tts-port)");
  const unhook = downlinks.attach();

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost(options.host)}:${port}`,
    port,
    faults,
    queue: (applicationId, deviceId) => downlinks.queues.list(applicationId, deviceId),
    registries,
    pubsubs,
    requests: ({ since = 0 } = {}) => recorder.since(since),
    get requestCount() {
      return recorder.count;
    },
    close: () =>
      (closed ??= (async () => {
        unhook();
        closing.abort();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })()),
  };
}

function send(response: ServerResponse, answer: Answer): void {
  const headers = answer.body === undefined ? {} : { "content-type": "application/json" };
  response.writeHead(answer.status, { ...headers, ...answer.headers });
  response.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
}

function faultError({ status }: ErrorAnswer): TtsApiError {
  switch (status) {
    case 429:
      return ttsErrors.rateLimited();
    case 500:
      return ttsErrors.internal("simulated fault");
    case 502:
      return ttsErrors.badGateway();
    case 503:
      return ttsErrors.unavailable();
    case 504:
      return ttsErrors.deadlineExceeded();
  }
}

function retryAfter(answer: ErrorAnswer): Record<string, string> {
  return answer.retryAfterSeconds === undefined ? {} : { "retry-after": String(answer.retryAfterSeconds) };
}
