/**
 * Watches the topic the upstream workflow republishes the test device's uplink on
 * (`lorawan/<thing>/uplink`), subscribed before the uplink is published so that nothing is missed.
 * Over plain MQTT: the embedded default's broker (or any broker that takes an unauthenticated
 * client). AWS IoT Core needs MQTT over WebSocket signed with SigV4, which this does not do.
 */
import mqtt, { type MqttClient } from "mqtt";

export interface RepublishWatch {
  /** Payloads received on the topic so far. */
  readonly received: readonly Uint8Array[];
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5_000;

export async function watchRepublish(mqttUrl: string, topic: string, clientId: string): Promise<RepublishWatch> {
  const client: MqttClient = await mqtt.connectAsync(mqttUrl, {
    clientId,
    reconnectPeriod: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  const received: Uint8Array[] = [];
  client.on("message", (messageTopic, payload) => {
    if (messageTopic === topic) received.push(payload);
  });
  try {
    await client.subscribeAsync(topic, { qos: 1 });
  } catch (error) {
    await client.endAsync(true);
    throw error;
  }
  return { received, close: () => client.endAsync() };
}
