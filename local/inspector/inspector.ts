/**
 * The execution inspector: a small HTTP server for a browser page (plain ES modules and CSS in `page/`,
 * served as they are, no build step, nothing from a CDN) showing the workflows' executions, the things
 * and their shadows, and the messages republished for them, live through server-sent events; and a form
 * sending a downlink request as an application would.
 *
 * It reads what the AWS-compatible endpoint serves: executions from the endpoint's execution store (the
 * records behind GetExecutionHistory and the workflows' log groups), things and shadows through the
 * endpoint itself. Secret values given in `secrets` are cut from every answer, whatever carries them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { extname, join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { DOWNLINK_REQUEST_TOPIC } from "../../functions/core/downlink/request.ts";
import { executionNamePrefixes, stateMachineName, WORKFLOW_NAMES, WORKFLOWS } from "../../workflows/catalogue.ts";
import type { WorkflowName } from "../../workflows/workflow-types.ts";
import type { ExecutionStore } from "../aws/execution-store.ts";
import { close, listen, urlHost } from "../net/listen.ts";
import { ClientAbortedError, RequestBodyTooLargeError, readBody } from "../net/request-body.ts";
import { localFunctionArn } from "../workflows/task-overrides.ts";
import { executionPath } from "./execution-path.ts";
import { ExecutionRows, isExecutionStatus, PAGE_SIZE, pageOf, type RowFilter } from "./execution-rows.ts";
import { RepublishedMessages } from "./republished-messages.ts";
import { ThingNotFoundError, type ThingsReader } from "./things-reader.ts";
import { layoutWorkflow, type WorkflowGraph } from "./workflow-graph.ts";

/** A data text longer than this is sent as a preview; the page asks for the whole of it when shown. */
export const PREVIEW_CHARS = 4096;
/** A downlink request is a small JSON document (AWS IoT's own limit is 128 KB). */
const MAX_REQUEST_BYTES = 128 * 1024;
const HEARTBEAT_MS = 15_000;
const MAX_STREAM_BACKLOG_BYTES = 1024 * 1024;
const PUBLISH_TIMEOUT_MS = 10_000;
const PAGE_DIR = join(import.meta.dirname, "page");
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

export interface InspectorOptions {
  readonly host: string;
  readonly port: number;
  readonly stackName: string;
  readonly store: ExecutionStore;
  readonly things: ThingsReader;
  /** The embedded broker: messages republished for things are read there, downlink requests published there. */
  readonly mqttUrl: string;
  /** Values never to send to the page (the TTS API keys). */
  readonly secrets: () => readonly string[];
}

export interface Inspector {
  readonly url: string;
  /** Tells the open pages an execution started or ended. */
  executionChanged(executionArn: string): void;
  close(): Promise<void>;
}

export class InvalidRequestError extends Error {
  override readonly name = "InvalidRequest";
}

class NotFoundError extends Error {
  override readonly name = "NotFound";
}

/** The broker did not acknowledge the downlink request in time (it is shutting down, or gone). */
export class BrokerUnavailableError extends Error {
  override readonly name = "BrokerUnavailable";
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BrokerUnavailableError(`the broker did not take the request within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startInspector(options: InspectorOptions): Promise<Inspector> {
  const { store, stackName } = options;
  const definitions = new Map(
    WORKFLOW_NAMES.map((name) => [name, WORKFLOWS[name].definition(localFunctionArn, { stackName })]),
  );
  const graphs = new Map<WorkflowName, WorkflowGraph>(
    [...definitions].map(([name, definition]) => [name, layoutWorkflow(definition)]),
  );
  const workflowByArnSuffix = new Map(
    WORKFLOW_NAMES.map((name) => [`:stateMachine:${stateMachineName(stackName, name)}`, name]),
  );
  const workflowOf = (stateMachineArn: string) =>
    workflowByArnSuffix.get(stateMachineArn.slice(stateMachineArn.lastIndexOf(":stateMachine:")));
  const rows = new ExecutionRows(workflowOf, executionNamePrefixes(stackName));
  const messages = new RepublishedMessages();
  const streams = new Set<ServerResponse>();
  const redact = (json: string) => {
    let safe = json;
    for (const secret of options.secrets()) {
      if (secret.length === 0) continue;
      // As it stands in JSON text: a key may hold `"` or `\`, which JSON escapes.
      for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)]))
        safe = safe.replaceAll(form, "[secret]");
    }
    return safe;
  };
  const broadcast = (event: string, data: unknown) => {
    // Every republished message passes here: with no page open, nothing to render.
    if (streams.size === 0) return;
    const frame = `event: ${event}\ndata: ${redact(JSON.stringify(data))}\n\n`;
    for (const stream of streams) {
      // A page that stopped reading (a suspended tab) is dropped rather than buffered for: it reconnects.
      if (stream.writableLength > MAX_STREAM_BACKLOG_BYTES) stream.destroy();
      else stream.write(frame);
    }
  };

  const mqttClient: MqttClient = await mqtt.connectAsync(options.mqttUrl, {
    clientId: `tts-aws-iot-inspector-${process.pid}`,
    connectTimeout: 5_000,
    reconnectPeriod: 1_000,
  });
  mqttClient.on("message", (topic, payload) => {
    const message = messages.add(topic, payload);
    if (message !== undefined) broadcast("republished", message);
  });
  mqttClient.on("error", (error) => console.error(`[inspector] MQTT: ${error.message}`));
  await mqttClient.subscribeAsync("lorawan/#", { qos: 0 });

  const routes: Route[] = [
    { method: "GET", path: /^\/api\/workflows$/, run: () => ({ stackName, workflows: Object.fromEntries(graphs) }) },
    {
      method: "GET",
      path: /^\/api\/executions$/,
      run: (_match, url) => {
        const filter = rowFilter(url.searchParams);
        const offset = integerParam(url.searchParams, "offset", 0);
        const limit = integerParam(url.searchParams, "limit", PAGE_SIZE);
        return pageOf(rows.rows(store.list()), filter, offset, limit);
      },
    },
    {
      method: "GET",
      path: /^\/api\/executions\/([^/]+)$/,
      run: (match) => executionDetail(decodeURIComponent(match[1]!)),
    },
    {
      method: "GET",
      path: /^\/api\/executions\/([^/]+)\/data$/,
      run: (match, url) => executionData(decodeURIComponent(match[1]!), url.searchParams),
    },
    { method: "GET", path: /^\/api\/things$/, run: () => options.things.list() },
    {
      method: "GET",
      path: /^\/api\/things\/([^/]+)$/,
      run: async (match) => {
        const thingName = decodeURIComponent(match[1]!);
        return { ...(await options.things.get(thingName)), messages: messages.of(thingName) };
      },
    },
    {
      method: "POST",
      path: /^\/api\/downlink$/,
      run: async (_match, _url, request) => {
        const body = await readBody(request, MAX_REQUEST_BYTES);
        const text = body.toString("utf8");
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new InvalidRequestError("the downlink request is not JSON");
        }
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
          throw new InvalidRequestError("the downlink request must be a JSON object");
        }
        // Published as is: the downlink workflow validates it and answers on lorawan/<thing>/downlink/failed.
        await withTimeout(mqttClient.publishAsync(DOWNLINK_REQUEST_TOPIC, text, { qos: 1 }), PUBLISH_TIMEOUT_MS);
        return { published: DOWNLINK_REQUEST_TOPIC };
      },
    },
  ];

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: "InternalError", message: String(error) });
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://inspector");
    response.setHeader("X-Content-Type-Options", "nosniff");
    if (request.method === "GET" && url.pathname === "/api/events") return openStream(response);
    if (request.method === "GET" && !url.pathname.startsWith("/api/")) return sendPage(url.pathname, response);
    for (const route of routes) {
      const match = route.path.exec(url.pathname);
      if (match === null) continue;
      if (request.method !== route.method) return sendJson(response, 405, { error: "MethodNotAllowed" });
      try {
        return sendJson(response, 200, await route.run(match, url, request));
      } catch (error) {
        return sendError(response, error);
      }
    }
    sendJson(response, 404, { error: "NotFound", message: `No such page: ${url.pathname}` });
  }

  function sendJson(response: ServerResponse, status: number, value: unknown): void {
    const body = redact(JSON.stringify(value));
    response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
    response.end(body);
  }

  function sendError(response: ServerResponse, error: unknown): void {
    if (error instanceof ClientAbortedError) {
      response.destroy();
    } else if (error instanceof RequestBodyTooLargeError) {
      response.setHeader("Connection", "close");
      sendJson(response, 413, { error: "RequestTooLarge", message: error.message });
    } else if (error instanceof InvalidRequestError) {
      sendJson(response, 400, { error: error.name, message: error.message });
    } else if (error instanceof NotFoundError || error instanceof ThingNotFoundError) {
      sendJson(response, 404, { error: error.name, message: error.message });
    } else if (error instanceof BrokerUnavailableError) {
      sendJson(response, 503, { error: error.name, message: error.message });
    } else {
      console.error("[inspector]", error);
      sendJson(response, 500, { error: "InternalError", message: (error as Error).message });
    }
  }

  const files = new Map(
    readdirSync(PAGE_DIR)
      .filter((file) => CONTENT_TYPES[extname(file)] !== undefined)
      .map((file) => [`/${file}`, file]),
  );
  function sendPage(pathname: string, response: ServerResponse): void {
    // Only the page's own files, by exact name: no path from the request reaches the file system.
    const file = files.get(pathname === "/" ? "/index.html" : pathname);
    if (file === undefined) {
      sendJson(response, 404, { error: "NotFound", message: `No such page: ${pathname}` });
      return;
    }
    response.writeHead(200, { "Content-Type": CONTENT_TYPES[extname(file)]!, "Cache-Control": "no-cache" });
    response.end(readFileSync(join(PAGE_DIR, file)));
  }

  function openStream(response: ServerResponse): void {
    response.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      Connection: "keep-alive",
    });
    response.write(": connected\n\n");
    streams.add(response);
    response.on("close", () => streams.delete(response));
  }

  function executionDetail(executionArn: string) {
    const execution = store.get(executionArn);
    if (execution === undefined) throw new NotFoundError(`No kept execution ${executionArn}`);
    const workflow = workflowOf(execution.stateMachineArn);
    if (workflow === undefined) throw new NotFoundError(`${executionArn} is not an execution of stack ${stackName}`);
    // Not `rows([execution])`: that would drop every other cached row.
    const row = rows.row(execution);
    const path = executionPath(execution.events, execution.status, graphs.get(workflow)!);
    return {
      execution: row,
      input: preview(execution.input),
      ...(execution.output === undefined ? {} : { output: preview(execution.output) }),
      ...(execution.error === undefined ? {} : { error: execution.error }),
      ...(execution.cause === undefined ? {} : { cause: preview(execution.cause) }),
      visited: path.visited,
      taken: path.taken,
      ...(path.failedNode === undefined ? {} : { failedNode: path.failedNode }),
      runs: path.runs.map((run) => ({
        ...run,
        ...(run.input === undefined ? {} : { input: preview(run.input) }),
        ...(run.output === undefined ? {} : { output: preview(run.output) }),
        ...(run.cause === undefined ? {} : { cause: preview(run.cause) }),
      })),
    };
  }

  /** One whole text of an execution: `?field=input|output|cause` of the execution, or of run `?run=<index>`. */
  function executionData(executionArn: string, params: URLSearchParams) {
    const execution = store.get(executionArn);
    if (execution === undefined) throw new NotFoundError(`No kept execution ${executionArn}`);
    const field = params.get("field");
    if (field !== "input" && field !== "output" && field !== "cause") {
      throw new InvalidRequestError("field must be input, output or cause");
    }
    const runParam = params.get("run");
    let source: Partial<Record<"input" | "output" | "cause", string>> = execution;
    if (runParam !== null) {
      const workflow = workflowOf(execution.stateMachineArn)!;
      const run = executionPath(execution.events, execution.status, graphs.get(workflow)!).runs[Number(runParam)];
      if (run === undefined) throw new NotFoundError(`Execution ${executionArn} has no state run ${runParam}`);
      source = run;
    }
    const text = source[field];
    if (text === undefined) throw new NotFoundError(`No ${field} there`);
    return { text };
  }

  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.write(": heartbeat\n\n");
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const port = await listen(server, options.host, options.port, "inspector port (--inspector-port)");
  return {
    url: `http://${urlHost(options.host)}:${port}/`,
    executionChanged: (executionArn) => {
      broadcast("execution", { executionArn });
    },
    close: async () => {
      clearInterval(heartbeat);
      for (const stream of streams) stream.end();
      await close(server);
      await mqttClient.endAsync(true);
    },
  };
}

interface Route {
  readonly method: "GET" | "POST";
  readonly path: RegExp;
  run(match: RegExpExecArray, url: URL, request: IncomingMessage): unknown;
}

function preview(text: string): { text: string; length: number } {
  return { text: text.length > PREVIEW_CHARS ? text.slice(0, PREVIEW_CHARS) : text, length: text.length };
}

function rowFilter(params: URLSearchParams): RowFilter {
  const filter: Record<string, string> = {};
  for (const key of ["workflow", "status", "thing", "text"] as const) {
    const value = params.get(key);
    if (value !== null && value !== "") filter[key] = value;
  }
  if (filter["status"] !== undefined && !isExecutionStatus(filter["status"])) {
    throw new InvalidRequestError(`status must be one of RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED`);
  }
  return filter;
}

function integerParam(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new InvalidRequestError(`${name} must be a whole number ≥ 0`);
  return value;
}
