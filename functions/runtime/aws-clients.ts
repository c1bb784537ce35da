/**
 * SDK clients configured from an environment record with the SDK's standard variable names
 * (`AWS_REGION`, `AWS_ENDPOINT_URL[_<SERVICE>]`, `AWS_ACCESS_KEY_ID`, …). In Lambda that record is
 * `process.env`, which is what the SDK would read anyway; the local runtime passes its own record so
 * that several runtimes can live in one process. One code path either way.
 *
 * The IoT data plane needs the account's own endpoint: the function's `IOT_DATA_ENDPOINT` setting
 * (from the `aws_iot_endpoint` data source) wins when set.
 *
 * `sdk` adds what an environment record cannot carry: the local runtime passes a request handler that
 * dispatches to its endpoint in process (same serialisation and signing, no socket). Lambda passes none.
 */
import { IoTClient } from "@aws-sdk/client-iot";
import { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler, StreamCollector } from "@smithy/types";
import { readAll } from "./read-all.ts";

export type Environment = Readonly<Record<string, string | undefined>>;

export type SdkRequestHandler = RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions> & {
  updateHttpClientConfig(key: never, value: never): void;
  httpHandlerConfigs(): object;
};

/** Client settings no environment variable gives. */
export interface SdkOverrides {
  readonly requestHandler?: SdkRequestHandler;
}

export interface ClientConfig {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  requestHandler?: SdkRequestHandler;
  cacheMiddleware?: boolean;
  streamCollector?: StreamCollector;
}

export function iotClientFor(env: Environment, sdk: SdkOverrides = {}): IoTClient {
  return new IoTClient(clientConfig(env, env["AWS_ENDPOINT_URL_IOT"], sdk));
}

export function iotDataClientFor(
  env: Environment,
  iotDataEndpoint: string | undefined,
  sdk: SdkOverrides = {},
): IoTDataPlaneClient {
  const endpoint = iotDataEndpoint ?? env["AWS_ENDPOINT_URL_IOT_DATA_PLANE"];
  return new IoTDataPlaneClient(clientConfig(env, endpoint === undefined ? undefined : withScheme(endpoint), sdk));
}

export function secretsManagerClientFor(env: Environment, sdk: SdkOverrides = {}): SecretsManagerClient {
  return new SecretsManagerClient(clientConfig(env, env["AWS_ENDPOINT_URL_SECRETS_MANAGER"], sdk));
}

/**
 * SDK client settings from the standard variables; `serviceEndpoint` is the service-specific override.
 * Without credentials in `env`, the SDK's default provider chain finds them (profile, SSO, role) when
 * run from source; a Lambda bundle's chain is the environment's alone (infra/bundle/lambda-stand-ins.ts),
 * where Lambda puts them.
 */
export function clientConfig(env: Environment, serviceEndpoint?: string, sdk: SdkOverrides = {}): ClientConfig {
  const config: ClientConfig = {
    // The SDK's own option: each command's middleware stack resolved once per client, not on every send
    // (we never change a client's middleware after building it). Up to 1 ms per request, per its docs.
    cacheMiddleware: true,
    streamCollector: collectNodeStream,
    ...(sdk.requestHandler === undefined ? {} : { requestHandler: sdk.requestHandler }),
  };
  const region = env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"];
  if (region) config.region = region;
  const endpoint = serviceEndpoint ?? env["AWS_ENDPOINT_URL"];
  if (endpoint) config.endpoint = endpoint;
  const accessKeyId = env["AWS_ACCESS_KEY_ID"];
  const secretAccessKey = env["AWS_SECRET_ACCESS_KEY"];
  if (accessKeyId && secretAccessKey) {
    const sessionToken = env["AWS_SESSION_TOKEN"];
    config.credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  }
  return config;
}

/**
 * Collects a response body from Node's HTTP handler (an `IncomingMessage`; the local in-process
 * handler answers with bytes, which the SDK never passes to a collector). The SDK's own collector first
 * asks whether the body is a web `ReadableStream`, and reading that global makes Node load its web
 * streams: ~2 ms of every cold start, for a body that never is one. Hand-written for that reason; the
 * SDK has no Node-only collector.
 */
export const collectNodeStream: StreamCollector = async (stream: AsyncIterable<Uint8Array | string>) => {
  const bytes = await readAll(stream);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

/** `aws_iot_endpoint` gives a bare host name; the SDK wants a URL. */
function withScheme(endpoint: string): string {
  return /^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`;
}
