/**
 * The local AWS endpoint: one HTTP server that the AWS SDK v3 and the AWS CLI talk to through
 * `endpoint: "http://127.0.0.1:<port>"` with any credentials. Requests go to a service by their SigV4
 * credential scope (signatures are not checked). State lives in `dataDir`; `close()` flushes it.
 * `requestHandler` serves the runtime's own SDK clients in process: the same dispatch, no socket.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { SdkRequestHandler } from "../../functions/runtime/aws-clients.ts";
import { listen, urlHost } from "../net/listen.ts";
import { ClientAbortedError, hasPendingBody, RequestBodyTooLargeError, readBody } from "../net/request-body.ts";
import type { AwsService } from "./aws-request.ts";
import { CallStats } from "./call-stats.ts";
import { AwsError } from "./errors.ts";
import { EventConfigurations } from "./event-configurations.ts";
import { ExecutionStore } from "./execution-store.ts";
import {
  type AwsRequestHead,
  type EndpointRequest,
  type EndpointResponse,
  errorResponse,
  readRequestHead,
  successResponse,
  writeResponse,
} from "./http-exchange.ts";
import { inProcessRequestHandler } from "./in-process-handler.ts";
import { createIotService } from "./iot-service.ts";
import { createIotDataService } from "./iotdata-service.ts";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "./local-account.ts";
import type { LogSource } from "./logs/log-source.ts";
import { createLogsService } from "./logs/logs-service.ts";
import type { PublishFn } from "./publish.ts";
import { maxRequestBodyBytes, requestTooLarge } from "./request-limits.ts";
import { SecretStore } from "./secret-store.ts";
import { createSecretsService } from "./secrets-service.ts";
import { detectService } from "./service-detection.ts";
import { ShadowService } from "./shadow-service.ts";
import { SqsQueues } from "./sqs-queues.ts";
import { createSqsService } from "./sqs-service.ts";
import type { StepFunctionsBackend } from "./step-functions-backend.ts";
import { createStepFunctionsService } from "./step-functions-service.ts";
import { thingEvent } from "./thing-events.ts";
import { ThingRegistry } from "./thing-registry.ts";
import { type LocalTopicRule, TopicRuleCatalogue } from "./topic-rule-catalogue.ts";

export interface AwsEndpointOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Used in ARNs. Default `LOCAL_REGION`. */
  readonly region?: string;
  readonly dataDir: string;
  /** Receives Publish calls and the shadow service's messages. */
  readonly publish: PublishFn;
  readonly stepFunctions?: StepFunctionsBackend;
  /** Share it with the runtime that runs workflows; by default one is opened in `dataDir`. */
  readonly executionStore?: ExecutionStore;
  /** What CloudWatch Logs reads serve (the workflows' execution logs); none by default. */
  readonly logs?: LogSource;
  /** Share it with the runtime that dead-letters into it; by default one is opened in `dataDir`. */
  readonly sqsQueues?: SqsQueues;
  /** The topic rules the runtime evaluates, for GetTopicRule and ListTopicRules; none by default. */
  readonly topicRules?: readonly LocalTopicRule[];
}

export interface AwsEndpoint {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly region: string;
  readonly executionStore: ExecutionStore;
  /** The SQS queues (the workflows' dead-letter queues), for the runtime to create and fill. */
  readonly sqsQueues: SqsQueues;
  /**
   * For an SDK client's `requestHandler`: its requests dispatched in process, answered exactly as over
   * HTTP (same limits, same errors), without a socket. Refuses (`ECONNREFUSED`) once the endpoint is closed.
   */
  readonly requestHandler: SdkRequestHandler;
  /** Calls per `<service>:<Operation>` since start or the last `resetStats()`. */
  stats(): Record<string, number>;
  resetStats(): void;
  /** Writes pending state now. */
  flush(): Promise<void>;
  /** Stops accepting requests, lets running ones finish, then flushes all state. */
  close(): Promise<void>;
}

const JSON_CONTENT_TYPE = "application/json";

export async function startAwsEndpoint(options: AwsEndpointOptions): Promise<AwsEndpoint> {
  const host = options.host ?? "127.0.0.1";
  const region = options.region ?? LOCAL_REGION;
  const events = new EventConfigurations({ dataDir: options.dataDir });
  const registry = new ThingRegistry({
    dataDir: options.dataDir,
    region,
    onChange: (operation, thing) => {
      if (!events.isEnabled("THING")) return;
      const { topic, message } = thingEvent(operation, thing, LOCAL_ACCOUNT_ID);
      // Asynchronous, as on AWS: the API call has answered; the event follows through the broker.
      options
        .publish(topic, Buffer.from(JSON.stringify(message)), { qos: 1, retain: false })
        .catch((error: unknown) => {
          console.error(`Could not publish the registry event on ${topic}:`, error);
        });
    },
  });
  const shadows = new ShadowService({ dataDir: options.dataDir, publish: options.publish });
  const secrets = new SecretStore({ dataDir: options.dataDir, region });
  const executionStore = options.executionStore ?? new ExecutionStore({ dataDir: options.dataDir });
  const sqsQueues = options.sqsQueues ?? new SqsQueues({ dataDir: options.dataDir, region });
  const stats = new CallStats();

  let port = options.port;
  const services = new Map<string, AwsService>(
    [
      createIotService({
        registry,
        events,
        topicRules: new TopicRuleCatalogue(options.topicRules ?? [], { region, createdAt: new Date() }),
        endpointAddress: () => `${host}:${port}`,
      }),
      createIotDataService({ shadows, publish: options.publish }),
      createSecretsService(secrets),
      createLogsService({ source: options.logs ?? { groups: () => [] }, region }),
      createSqsService({ queues: sqsQueues, endpointUrl: () => `http://${urlHost(host)}:${port}` }),
      createStepFunctionsService({
        store: executionStore,
        ...(options.stepFunctions ? { backend: options.stepFunctions } : {}),
      }),
    ].map((service) => [service.name, service]),
  );

  const dispatch = (request: EndpointRequest) => dispatchRequest(request, services, stats);
  let closed = false;
  const server = createServer((incoming, outgoing) => {
    void serveHttp(incoming, outgoing, dispatch);
  });
  port = await listen(server, host, options.port, "AWS endpoint port (--aws-port)");

  const flush = async (): Promise<void> => {
    await Promise.all([
      registry.flush(),
      events.flush(),
      shadows.flush(),
      secrets.flush(),
      executionStore.flush(),
      sqsQueues.flush(),
    ]);
  };
  return {
    url: `http://${urlHost(host)}:${port}`,
    host,
    port,
    region,
    executionStore,
    sqsQueues,
    requestHandler: inProcessRequestHandler(dispatch, () => closed),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    flush,
    close: async () => {
      // A long poll would hold the close up to 20 s: it answers now, empty or with what is there.
      sqsQueues.close();
      closed = true;
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
      await flush();
    },
  };
}

async function serveHttp(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  dispatch: (request: EndpointRequest) => Promise<EndpointResponse>,
): Promise<void> {
  try {
    const response = await dispatch({
      method: incoming.method ?? "GET",
      url: incoming.url ?? "/",
      headers: incoming.headers,
      readBody: (maxBytes) => readBody(incoming, maxBytes),
    });
    // A body left unread (an early answer) is not waited for: the connection closes after the answer.
    writeResponse(outgoing, response, hasPendingBody(incoming) ? { connection: "close" } : {});
  } catch (error) {
    // Nobody is left to answer, and a client hanging up is no failure of the endpoint.
    if (error instanceof ClientAbortedError) return void outgoing.destroy();
    console.error("Local AWS endpoint could not answer", incoming.method, incoming.url, error);
    outgoing.destroy();
  }
}

/** One request to its service's operation and back: every way in (HTTP, in process) goes through here. */
async function dispatchRequest(
  request: EndpointRequest,
  services: ReadonlyMap<string, AwsService>,
  stats: CallStats,
): Promise<EndpointResponse> {
  let contentType = JSON_CONTENT_TYPE;
  let serviceName = "";
  try {
    const head = readRequestHead(request);
    serviceName = detectService(head.headers, head.segments);
    const service = services.get(serviceName);
    // Answered before the body is read: no bytes are taken from a request nobody serves.
    if (service === undefined) throw unknownOperation(`The local AWS endpoint does not serve '${serviceName}'`, head);
    contentType = service.contentType;
    const awsRequest = { ...head, body: await request.readBody(maxRequestBodyBytes(service.name)) };
    const operation = service.resolve(awsRequest);
    if (operation === undefined) throw unknownOperation(`No ${serviceName} operation matches`, awsRequest);
    stats.count(`${service.name}:${operation.name}`);
    return successResponse(contentType, await operation.run());
  } catch (error) {
    if (error instanceof ClientAbortedError) throw error;
    return errorResponse(contentType, errorAnswer(error, serviceName, request));
  }
}

/** The AWS error a failure is answered with; a failure of the endpoint itself also goes to stderr. */
function errorAnswer(error: unknown, serviceName: string, request: EndpointRequest): AwsError {
  if (error instanceof RequestBodyTooLargeError) return requestTooLarge(error, serviceName);
  if (!(error instanceof AwsError)) {
    console.error("Local AWS endpoint failed on", request.method, request.url, error);
    return internalFailure(error);
  }
  // Answered on purpose (e.g. a Publish while the runtime shuts down): worth a line, not a stack trace.
  if (error.code === "InternalFailureException") {
    console.error(`Local AWS endpoint answered ${request.method} ${request.url}: ${error.code}: ${error.message}`);
  }
  return error;
}

function unknownOperation(reason: string, request: AwsRequestHead): AwsError {
  const target = request.headers["x-amz-target"];
  const what = `${request.method} ${request.rawPath}${typeof target === "string" ? ` (X-Amz-Target: ${target})` : ""}`;
  return new AwsError("UnknownOperationException", `${reason}: ${what}`, 404);
}

function internalFailure(error: unknown): AwsError {
  const message = error instanceof Error ? error.message : String(error);
  return new AwsError("InternalFailureException", `Local AWS endpoint failure: ${message}`, 500);
}
