/** A real aedes broker on a free port and a real mqtt.js subscriber, for the simulator's publisher tests. */
import { type AddressInfo, createServer } from "node:net";
import { Aedes } from "aedes";
import mqtt, { type MqttClient } from "mqtt";
import type { LooseJson } from "../../support/fixtures.ts";

export interface TestBroker {
  readonly url: string;
  /** Client IDs of every client that connected, in order. */
  readonly clientIds: string[];
  close(): Promise<void>;
}

export async function startTestBroker(): Promise<TestBroker> {
  const broker = await Aedes.createBroker();
  const clientIds: string[] = [];
  broker.on("client", (client) => clientIds.push(client.id));
  const server = createServer((socket) => broker.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    clientIds,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ReceivedMessage {
  readonly topic: string;
  readonly json: LooseJson;
}

export interface Subscriber {
  readonly messages: ReceivedMessage[];
  waitUntil(condition: (messages: readonly ReceivedMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function subscribe(url: string, filter: string): Promise<Subscriber> {
  const client: MqttClient = await mqtt.connectAsync(url, {
    clientId: `test-subscriber-${process.pid}`,
    reconnectPeriod: 0,
  });
  const messages: ReceivedMessage[] = [];
  const checks = new Set<() => void>();
  client.on("message", (topic, payload) => {
    messages.push({ topic, json: JSON.parse(payload.toString("utf8")) });
    for (const check of checks) check();
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    messages,
    waitUntil: (condition, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          checks.delete(check);
          reject(new Error(`condition not met within ${timeoutMs} ms; ${messages.length} messages received`));
        }, timeoutMs);
        const check = () => {
          if (!condition(messages)) return;
          clearTimeout(timer);
          checks.delete(check);
          resolve();
        };
        checks.add(check);
        check();
      }),
    close: () => client.endAsync(),
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
