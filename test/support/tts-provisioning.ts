/** The TTS calls that provision one OTAA device (DESIGN §6, in order), and a pub/sub as configure-tts-pubsub sets it: shared by the simulator's tests. */
import type { AwsIotPubSub } from "../../functions/tts/pubsub.ts";

export interface DeviceIds {
  readonly device_id: string;
  readonly dev_eui: string;
  readonly join_eui: string;
}

export interface TtsCallSpec {
  readonly method: "POST" | "PUT";
  readonly path: string;
  readonly body: unknown;
}

export function provisioningCalls(applicationId: string, ids: DeviceIds, appKey: string): TtsCallSpec[] {
  const device = `/applications/${applicationId}/devices/${ids.device_id}`;
  return [
    { method: "POST", path: `/api/v3/applications/${applicationId}/devices`, body: { end_device: { ids } } },
    {
      method: "PUT",
      path: `/api/v3/js${device}`,
      body: {
        end_device: { ids, root_keys: { app_key: { key: appKey } } },
        field_mask: { paths: ["root_keys.app_key.key"] },
      },
    },
    {
      method: "PUT",
      path: `/api/v3/ns${device}`,
      body: {
        end_device: {
          ids,
          frequency_plan_id: "EU_863_870_TTN",
          lorawan_version: "MAC_V1_0_3",
          lorawan_phy_version: "PHY_V1_0_3_REV_A",
          supports_join: true,
        },
        field_mask: { paths: ["frequency_plan_id", "lorawan_version", "lorawan_phy_version", "supports_join"] },
      },
    },
    { method: "PUT", path: `/api/v3/as${device}`, body: { end_device: { ids }, field_mask: { paths: [] } } },
  ];
}

export function examplePubSub(applicationId: string): AwsIotPubSub {
  return {
    applicationId,
    pubSubId: "aws-iot-prod",
    region: "eu-west-1",
    roleArn: "arn:aws:iam::123456789012:role/prod-tts",
    externalId: "abc123",
    endpointAddress: "a1b2c3-ats.iot.eu-west-1.amazonaws.com",
    stackName: "prod",
  };
}
