/**
 * The embedded MQTT broker standing in for AWS IoT Core's message broker: aedes on TCP and on
 * WebSocket (path `/mqtt`, as IoT Core), both on loopback by default. MQTT 3.1.1.
 */
import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer, type Socket } from "node:net";
import { Aedes } from "aedes";
import { createWebSocketStream, WebSocketServer } from "ws";
import { payloadProblem, publishTopicProblem } from "../../functions/core/aws-limits.ts";
import { close, listen } from "../net/listen.ts";

export interface BrokerMessage {
  readonly topic: string;
  readonly payload: Buffer;
  /** The publishing MQTT client; undefined for messages published through the data-plane API. */
  readonly clientId: string | undefined;
  /**
   * The publisher is answered only once `accept` has settled: a client's QoS 1 publish (PUBACK) and
   * every data-plane Publish (HTTP answer). False for QoS 0, which nobody acknowledges.
   */
  readonly acknowledged: boolean;
}

export interface LocalBroker {
  readonly mqttPort: number;
  readonly wsPort: number;
  /** A data-plane Publish: through `accept` (the rules) first, then to subscribers. */
  publish(topic: string, payload: Uint8Array, options?: { qos?: 0 | 1; retain?: boolean }): Promise<void>;
  /**
   * From now on a client's publish is not acknowledged but refused (its connection closed), so its
   * MQTT session publishes it again to the next runtime; subscribers keep receiving. For shutdown.
   */
  stopTakingPublishes(): void;
  close(): Promise<void>;
}

export interface BrokerOptions {
  readonly host: string;
  readonly mqttPort: number;
  readonly wsPort: number;
  /** A client's publish refused by AWS IoT's limits (its connection is closed); defaults to stderr. */
  readonly onRefusedPublish?: (refused: { clientId: string; topic: string; reason: string }) => void;
  /**
   * Every application message (not `$SYS`), whoever published it, before it is acknowledged or
   * delivered: what IoT rules see. While the promise is pending the publisher waits (and aedes reads
   * nothing more from its connection); a rejection refuses the message (a client's connection is
   * closed, so its session publishes it again; a data-plane Publish fails).
   */
  readonly accept?: (message: BrokerMessage) => Promise<void> | undefined;
}

export async function startBroker(options: BrokerOptions): Promise<LocalBroker> {
  const onRefused =
    options.onRefusedPublish ??
    (({ clientId, topic, reason }) =>
      console.error(`[broker] refused a publish of ${clientId} on ${JSON.stringify(topic.slice(0, 80))}: ${reason}`));
  let takingPublishes = true;
  const accept = (message: BrokerMessage) =>
    message.topic.startsWith("$SYS/") ? undefined : options.accept?.(message);
  const aedes = await Aedes.createBroker({
    // AWS IoT's limits on what a client publishes; a refused publish closes the connection, as AWS does.
    authorizePublish: (client, packet, callback) => {
      if (!takingPublishes) return callback(new Error("the runtime is shutting down"));
      const reason = publishTopicProblem(packet.topic) ?? payloadProblem(packet.payload.length);
      if (reason !== undefined) {
        onRefused({ clientId: client?.id ?? "?", topic: packet.topic, reason });
        return callback(new Error(reason));
      }
      const accepted = accept({
        topic: packet.topic,
        payload: Buffer.from(packet.payload),
        clientId: client?.id,
        acknowledged: packet.qos > 0,
      });
      if (accepted === undefined) return callback(null);
      accepted.then(
        () => callback(null),
        (error: Error) => callback(error),
      );
    },
  });
  const tcp = createTcpServer((socket) => aedes.handle(socket));
  const http = createHttpServer((_, response) =>
    response.writeHead(426).end("MQTT over WebSocket: connect to /mqtt\n"),
  );
  const wss = new WebSocketServer({ server: http, path: "/mqtt" });
  wss.on("connection", (websocket, request) =>
    aedes.handle(createWebSocketStream(websocket) as unknown as Socket, request),
  );

  let mqttPort: number;
  let wsPort: number;
  try {
    mqttPort = await listen(tcp, options.host, options.mqttPort, "MQTT port (--mqtt-port)");
    wsPort = await listen(http, options.host, options.wsPort, "MQTT over WebSocket port (--mqtt-ws-port)");
  } catch (error) {
    await Promise.all([close(tcp), close(http)]);
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    throw error;
  }

  return {
    mqttPort,
    wsPort,
    publish: async (topic, payload, { qos = 0, retain = false } = {}) => {
      const bytes = Buffer.from(payload);
      await accept({ topic, payload: bytes, clientId: undefined, acknowledged: true });
      await new Promise<void>((resolve, reject) =>
        aedes.publish({ cmd: "publish", topic, payload: bytes, qos, retain, dup: false }, (error) =>
          error ? reject(error) : resolve(),
        ),
      );
    },
    stopTakingPublishes: () => {
      takingPublishes = false;
    },
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await Promise.all([close(tcp), close(http)]);
    },
  };
}
