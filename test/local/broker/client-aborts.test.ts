/**
 * The embedded broker and clients that hang up halfway, on raw sockets (TCP and WebSocket) on
 * 127.0.0.1: no stack trace, nothing on stderr, and the broker keeps serving the next client.
 */
import { connect, type Socket } from "node:net";
import mqtt from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type LocalBroker, startBroker } from "../../../local/broker/broker.ts";
import { type StderrWatch, sendAndHangUp, watchStderr } from "../../support/raw-client.ts";

let broker: LocalBroker;
let stderr: StderrWatch;

beforeEach(async () => {
  broker = await startBroker({ host: "127.0.0.1", mqttPort: 0, wsPort: 0 });
  stderr = watchStderr();
});

afterEach(async () => {
  stderr.restore();
  await broker.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An MQTT 3.1.1 CONNECT for `clientId` (clean session, keep-alive 60 s). */
function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId);
  const variable = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c]);
  const payload = Buffer.concat([Buffer.from([id.length >> 8, id.length & 0xff]), id]);
  return Buffer.concat([Buffer.from([0x10, variable.length + payload.length]), variable, payload]);
}

/** A raw socket that has completed the WebSocket handshake on `/mqtt` (subprotocol mqtt). */
function webSocketOpen(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () =>
      socket.write(
        "GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n",
      ),
    );
    socket.once("data", (chunk) =>
      chunk.toString("latin1").startsWith("HTTP/1.1 101") ? resolve(socket) : reject(new Error(chunk.toString())),
    );
    socket.on("error", reject);
  });
}

/** A masked binary WebSocket frame (clients must mask) announcing `announced` bytes, carrying `data`. */
function partialFrame(announced: number, data: Buffer): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(data.map((byte, index) => byte ^ mask[index % 4]!));
  return Buffer.concat([Buffer.from([0x82, 0x80 | announced]), mask, masked]);
}

/** What a well-behaved client sees afterwards: it connects, subscribes and gets its own QoS 1 publish back. */
async function stillServes(url: string): Promise<void> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  try {
    await client.subscribeAsync("abort/check", { qos: 1 });
    const received = new Promise<string>((resolve) =>
      client.once("message", (_, payload) => resolve(payload.toString())),
    );
    await client.publishAsync("abort/check", "still here", { qos: 1 });
    expect(await received).toBe("still here");
  } finally {
    await client.endAsync();
  }
}

describe("clients that hang up halfway", () => {
  it("over TCP: mid-CONNECT and mid-PUBLISH", async () => {
    await sendAndHangUp(broker.mqttPort, connectPacket("half-connect").subarray(0, 7));
    // Connected, then a PUBLISH announcing 127 bytes of which 5 arrive.
    await sendAndHangUp(
      broker.mqttPort,
      Buffer.concat([connectPacket("half-publish"), Buffer.from([0x30, 0x7f, 0x00, 0x01, 0x61, 0x62, 0x63])]),
    );
    await sleep(100);
    await stillServes(`mqtt://127.0.0.1:${broker.mqttPort}`);
    expect(stderr.text()).toBe("");
  });

  it("over WebSocket: mid-handshake, mid-frame, and mid-MQTT-packet", async () => {
    await sendAndHangUp(broker.wsPort, "GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n");

    const midFrame = await webSocketOpen(broker.wsPort);
    midFrame.write(partialFrame(100, connectPacket("ws-half-frame").subarray(0, 5)));
    await sleep(50);
    midFrame.destroy();

    const midPacket = await webSocketOpen(broker.wsPort);
    const packet = Buffer.concat([connectPacket("ws-half-packet"), Buffer.from([0x30, 0x7f, 0x00, 0x01, 0x61])]);
    midPacket.write(partialFrame(packet.length, packet));
    await sleep(50);
    midPacket.destroy();

    await sleep(100);
    await stillServes(`ws://127.0.0.1:${broker.wsPort}/mqtt`);
    expect(stderr.text()).toBe("");
  });

  it("mid-delivery: a WebSocket subscriber gone while a large retained message is on its way", async () => {
    await broker.publish("abort/retained", Buffer.alloc(120 * 1024, 0x61), { qos: 1, retain: true });
    const subscriber = await mqtt.connectAsync(`ws://127.0.0.1:${broker.wsPort}/mqtt`, { reconnectPeriod: 0 });
    subscriber.on("error", () => undefined);
    const firstBytes = new Promise<void>((resolve) => subscriber.stream.once("data", () => resolve()));
    subscriber.subscribe("abort/retained", { qos: 1 });
    await firstBytes;
    subscriber.stream.destroy();
    await sleep(100);
    await stillServes(`ws://127.0.0.1:${broker.wsPort}/mqtt`);
    expect(stderr.text()).toBe("");
    await subscriber.endAsync(true).catch(() => undefined);
  });
});
