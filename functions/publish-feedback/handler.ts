/**
 * PublishFailed step: tells the application that its downlink will not happen, in TTS's own
 * `downlink_failed` shape, on `lorawan/<thing>/downlink/failed` (or `lorawan/downlink/failed` when
 * the request named no usable thing). Returns the code and message the execution then fails with.
 */
import type { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { z } from "zod";
import { feedbackTopic, downlinkFailedMessage } from "../core/downlink-feedback.ts";
import { failureOf } from "../core/downlink-failure.ts";
import { ttsDownlinkQueueRequest, type DownlinkRequest } from "../core/downlink-request.ts";
import type { EndDeviceIds } from "../core/tts-message.ts";
import { publish } from "../republish/republish.ts";
import { iotDataClientFor, type Environment } from "../runtime/aws-clients.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";

/** The downlink workflow's whole state at the point of failure (see `workflows/downlink-workflow.ts`). */
export const PublishFeedbackInputSchema = z.object({
  validation: z.object({
    // Validate's own output: only its thing name is relied on before use.
    request: z.custom<DownlinkRequest>((value) => typeof (value as { thingName?: unknown } | null)?.thingName === "string").nullable(),
    failure: z.unknown(),
    correlationIds: z.array(z.string()),
    receivedAt: z.string(),
  }),
  /** DescribeThing's result (Step Functions SDK integrations answer in PascalCase), once resolved. */
  thing: z.looseObject({ Attributes: z.record(z.string(), z.string()).optional() }).optional(),
  failed: z.unknown(),
});

export interface PublishFeedbackResult {
  readonly topic: string;
  /** Our error code (the execution's error name). */
  readonly error: string;
  readonly message: string;
}

export function createPublishFeedbackHandler(context: () => { readonly iotData: IoTDataPlaneClient }) {
  return step(PublishFeedbackInputSchema, async ({ validation, thing, failed }): Promise<PublishFeedbackResult> => {
    const request = validation.request;
    const failure = failureOf(failed, request?.thingName);
    const correlationIds = validation.correlationIds;
    const downlink = request !== null ? ttsDownlinkQueueRequest(request, { correlationIds }).downlinks[0] : failure.downlink;
    const topic = feedbackTopic(request?.thingName ?? failure.thingName);
    const message = downlinkFailedMessage({
      endDeviceIds: endDeviceIdsOf(thing?.Attributes),
      correlationIds,
      receivedAt: new Date().toISOString(),
      downlink: downlink as Record<string, unknown> | undefined,
      error: {
        name: failure.code,
        messageFormat: failure.message,
        attributes: failure.attributes,
        ...(failure.grpcCode !== undefined ? { code: failure.grpcCode as never } : {}),
      },
    });
    await publish(topic, new TextEncoder().encode(JSON.stringify(message)), context().iotData);
    return { topic, error: failure.code, message: failure.message };
  });
}

/** The TTS identifiers a thing carries as attributes, once it is resolved. */
function endDeviceIdsOf(attributes: Record<string, string> | undefined): EndDeviceIds | undefined {
  const deviceId = attributes?.["deviceID"];
  const applicationId = attributes?.["applicationID"];
  if (deviceId === undefined || applicationId === undefined) return undefined;
  const devEui = attributes?.["devEUI"];
  return { device_id: deviceId, application_ids: { application_id: applicationId }, ...(devEui ? { dev_eui: devEui } : {}) };
}

export function contextFromEnvironment(env: Environment) {
  return { iotData: iotDataClientFor(env) };
}

export const handler = createPublishFeedbackHandler(once(() => contextFromEnvironment(process.env)));
