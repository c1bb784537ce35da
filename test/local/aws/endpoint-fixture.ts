/** Starts the local AWS endpoint on a free port in a fresh data dir, with real SDK clients pointed at it. */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { IoTClient } from "@aws-sdk/client-iot";
import { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { SFNClient } from "@aws-sdk/client-sfn";
import { afterEach, beforeEach } from "vitest";
import { type AwsEndpoint, type AwsEndpointOptions, startAwsEndpoint } from "../../../local/aws/index.ts";
import { LOCAL_REGION } from "../../../local/aws/local-account.ts";
import type { PublishOptions } from "../../../local/aws/publish.ts";

export interface PublishedMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly options: PublishOptions;
}

export const credentials = { accessKeyId: "test", secretAccessKey: "test" };

export async function makeDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "local-aws-"));
}

export async function removeDataDir(dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
}

export interface EndpointFixture {
  readonly endpoint: AwsEndpoint;
  readonly published: PublishedMessage[];
  readonly iot: IoTClient;
  readonly iotData: IoTDataPlaneClient;
  readonly sfn: SFNClient;
  readonly logs: CloudWatchLogsClient;
  /** Messages published on topics starting with `prefix`, payloads parsed as JSON. */
  messagesOn(prefix: string): { topic: string; json: Record<string, unknown> }[];
  close(): Promise<void>;
}

export async function startFixture(
  dataDir: string,
  extra: Partial<Omit<AwsEndpointOptions, "dataDir" | "port" | "publish">> = {},
): Promise<EndpointFixture> {
  const published: PublishedMessage[] = [];
  const endpoint = await startAwsEndpoint({
    port: 0,
    dataDir,
    publish: async (topic, payload, options) => {
      published.push({ topic, payload, options });
    },
    ...extra,
  });
  const config = { endpoint: endpoint.url, region: LOCAL_REGION, credentials, maxAttempts: 1 };
  const iot = new IoTClient(config);
  const iotData = new IoTDataPlaneClient(config);
  const sfn = new SFNClient(config);
  const logs = new CloudWatchLogsClient(config);
  return {
    endpoint,
    published,
    iot,
    iotData,
    sfn,
    logs,
    messagesOn: (prefix) =>
      published
        .filter((message) => message.topic.startsWith(prefix))
        .map((message) => ({
          topic: message.topic,
          json: JSON.parse(message.payload.toString("utf8")) as Record<string, unknown>,
        })),
    close: async () => {
      for (const client of [iot, iotData, sfn, logs]) client.destroy();
      await endpoint.close();
    },
  };
}

export function jsonPayload(payload: Uint8Array | undefined): Record<string, unknown> {
  if (payload === undefined) throw new Error("Response has no payload");
  return JSON.parse(Buffer.from(payload).toString("utf8")) as Record<string, unknown>;
}

/**
 * A fresh data dir and endpoint for each test of the calling file (closed and removed after it).
 * Read `ctx.f` and `ctx.dataDir` inside tests and hooks, not at module level; a test that restarts
 * the endpoint assigns the new one to `ctx.f`, which is then the one closed.
 */
export function useEndpointFixture(
  options: (dataDir: string) => Partial<Omit<AwsEndpointOptions, "dataDir" | "port" | "publish">> = () => ({}),
): { f: EndpointFixture; dataDir: string } {
  const ctx = {} as { f: EndpointFixture; dataDir: string };
  beforeEach(async () => {
    ctx.dataDir = await makeDataDir();
    ctx.f = await startFixture(ctx.dataDir, options(ctx.dataDir));
  });
  afterEach(async () => {
    await ctx.f.close();
    await removeDataDir(ctx.dataDir);
  });
  return ctx;
}
