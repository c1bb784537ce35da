/** A real MQTT client (mqtt.js), as TTS or an application would connect, and a way to wait for messages. */
import mqtt, { type MqttClient } from "mqtt";

export interface Received {
  readonly topic: string;
  readonly payload: Buffer;
  readonly at: number;
}

export async function connect(url: string, clientId: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId, reconnectPeriod: 0, connectTimeout: 5_000 });
}

/** Subscribes and records everything that arrives, in order. */
export async function recorder(
  client: MqttClient,
  filter: string,
): Promise<{ messages: Received[]; waitFor: (count: number, timeoutMs?: number) => Promise<Received[]> }> {
  const messages: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  client.on("message", (topic, payload) => {
    messages.push({ topic, payload, at: performance.now() });
    for (const waiter of [...waiters]) {
      if (messages.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    messages,
    waitFor: (count, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        if (messages.length >= count) return resolve(messages.slice());
        const timer = setTimeout(
          () =>
            reject(new Error(`expected ${count} messages on ${filter} within ${timeoutMs} ms, got ${messages.length}`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(messages.slice());
          },
        });
      }),
  };
}
