/** Publishes bytes on an MQTT topic through the IoT data plane (republish and failure feedback). */
import { type IoTDataPlaneClient, PublishCommand } from "@aws-sdk/client-iot-data-plane";

export async function publish(topic: string, payload: Uint8Array, iotData: IoTDataPlaneClient): Promise<void> {
  await iotData.send(
    new PublishCommand({
      topic,
      payload,
      // At least once to subscribers that ask for it, as TTS itself publishes.
      qos: 1,
      contentType: "application/json",
    }),
  );
}
