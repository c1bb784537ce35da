/** The simulator's MQTT session, opened the way TTS's AWS IoT pub/sub opens its own. */
import mqtt, { type MqttClient } from "mqtt";
import { TtsSimulatorConnectionError } from "./errors.ts";

const CONNECT_TIMEOUT_MS = 10_000;
const RECONNECT_PERIOD_MS = 1_000;

/** TTS's client id for a stack; one session per stack, as in TTS. */
export function ttsClientId(stackName: string): string {
  return `thethings-${stackName}`;
}

/**
 * Connects or fails with an error naming the URL. Once connected, mqtt.js reconnects by itself
 * after a broker restart (QoS 1 messages wait in its outgoing store meanwhile).
 */
export async function connectLikeTts(
  mqttUrl: string,
  clientId: string,
  onError: (error: Error) => void,
): Promise<MqttClient> {
  let client: MqttClient;
  try {
    client = await mqtt.connectAsync(
      mqttUrl,
      { clientId, connectTimeout: CONNECT_TIMEOUT_MS, reconnectPeriod: RECONNECT_PERIOD_MS },
      false,
    );
  } catch (error) {
    throw new TtsSimulatorConnectionError(mqttUrl, error);
  }
  // An EventEmitter without an "error" listener would throw and take the whole process down.
  client.on("error", (error) => onError(new TtsSimulatorConnectionError(mqttUrl, error)));
  return client;
}
