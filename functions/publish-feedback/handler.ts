/**
 * PublishFailed step: tells the application that its downlink will not happen, in TTS's own
 * `downlink_failed` shape (see `failureFeedback`), and returns the code and message the execution
 * then fails with. It must work from any point of failure, even when validation never ran.
 */
import type { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { failureFeedback, failureOf } from "../core/downlink/feedback.ts";
import { DownlinkRequestShapeSchema } from "../core/downlink/request.ts";
import { executionCorrelationId } from "../core/downlink/steps.ts";
import * as z from "../core/zod.ts";
import { type Environment, iotDataClientFor, type SdkOverrides } from "../runtime/aws-clients.ts";
import { publish } from "../runtime/iot-publish.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { loadSettings } from "../settings.ts";

/** The downlink workflow's state at the point of failure (see `workflows/downlink-workflow.ts`). */
export const PublishFeedbackInputSchema = z.object({
  executionName: z.string().check(z.minLength(1)),
  state: z.object({
    /** Absent when the Validate step itself failed. */
    validation: z.optional(
      z.object({ request: z.nullable(DownlinkRequestShapeSchema), correlationIds: z.array(z.string()) }),
    ),
    /** DescribeThing's result (Step Functions SDK integrations answer in PascalCase), once resolved. */
    thing: z.optional(z.looseObject({ Attributes: z.optional(z.record(z.string(), z.string())) })),
    /** A failure a step diagnosed, or what a Catch caught (`{Error, Cause}`). */
    failed: z.unknown(),
  }),
});

export interface PublishFeedbackResult {
  readonly topic: string;
  /** Our error code (the execution's error name). */
  readonly error: string;
  readonly message: string;
}

export function createPublishFeedbackHandler(context: () => { readonly iotData: IoTDataPlaneClient }) {
  return step(PublishFeedbackInputSchema, async ({ executionName, state }): Promise<PublishFeedbackResult> => {
    const request = state.validation?.request ?? null;
    const failure = failureOf(state.failed, request?.thingName);
    const { topic, message } = failureFeedback({
      failure,
      request,
      thingAttributes: state.thing?.Attributes,
      correlationIds: state.validation?.correlationIds ?? [executionCorrelationId(executionName)],
      receivedAt: new Date().toISOString(),
    });
    await publish(topic, new TextEncoder().encode(JSON.stringify(message)), context().iotData);
    return { topic, error: failure.code, message: failure.message };
  });
}

export function contextFromEnvironment(env: Environment, sdk: SdkOverrides = {}) {
  return { iotData: iotDataClientFor(env, loadSettings("publish-feedback", env).IOT_DATA_ENDPOINT, sdk) };
}

export const handler = createPublishFeedbackHandler(once(() => contextFromEnvironment(process.env)));
