/**
 * One SDK client per container. Endpoints come from the SDK's standard settings
 * (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_IOT`, …), so the same code talks to AWS or to the local
 * endpoint. The IoT data plane needs the account's own endpoint: `IOT_DATA_ENDPOINT` when set.
 */
import { IoTClient } from "@aws-sdk/client-iot";
import { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { once } from "./once.ts";

export const iotClient = once(() => new IoTClient({}));

export const iotDataClient = once(() => {
  const endpoint = process.env["IOT_DATA_ENDPOINT"];
  return new IoTDataPlaneClient(endpoint ? { endpoint: withScheme(endpoint) } : {});
});

/** `aws_iot_endpoint` gives a bare host name; the SDK wants a URL. */
function withScheme(endpoint: string): string {
  return /^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`;
}
