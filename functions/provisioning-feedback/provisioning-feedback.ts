/**
 * PublishCreated / PublishFailed / PublishDeleted steps: the provisioning workflow's outcome on
 * `lorawan/<thing>/provisioning/<outcome>` (shapes in `core/provisioning/feedback.ts`). A failure
 * is read from the workflow's state at that point: the caught error, and what the compensation
 * deleted or could not delete.
 */

import { type CaughtError, CaughtErrorSchema } from "../core/caught-error.ts";
import {
  type CreatedFeedback,
  type DeletedFeedback,
  DeviceIdsSchema,
  errorOf,
  type FailedFeedback,
  type ProvisioningOutcome,
  provisioningTopic,
} from "../core/provisioning/feedback.ts";
import { ThingNameSchema } from "../core/thing-name-schema.ts";
import * as z from "../core/zod.ts";
import { TTS_REGISTRIES, type TtsRegistry } from "../tts/end-devices.ts";

/** The compensation deletes in the order they run: the reverse of the creates. */
const UNDO_ORDER: readonly TtsRegistry[] = [...TTS_REGISTRIES].reverse();

/** What the workflow hands each Publish… step: the outcome, and for a failure the state it reached. */
export const ProvisioningFeedbackInputSchema = z.discriminatedUnion("outcome", [
  z.object({
    outcome: z.literal("created"),
    thingName: ThingNameSchema,
    device: DeviceIdsSchema,
    newInTts: z.boolean(),
  }),
  z.object({ outcome: z.literal("deleted"), thingName: ThingNameSchema, device: DeviceIdsSchema }),
  z.object({
    outcome: z.literal("failed"),
    thingName: ThingNameSchema,
    state: z.object({
      validation: z.optional(z.object({ device: z.optional(DeviceIdsSchema) })),
      error: CaughtErrorSchema,
      undo: z.optional(z.partialRecord(z.enum(TTS_REGISTRIES), z.unknown())),
      undoFailed: z.optional(z.partialRecord(z.enum(TTS_REGISTRIES), CaughtErrorSchema)),
    }),
  }),
]);

type FeedbackRequest = z.output<typeof ProvisioningFeedbackInputSchema>;

export interface Feedback {
  readonly topic: string;
  readonly message: CreatedFeedback | FailedFeedback | DeletedFeedback;
}

export function provisioningFeedback(request: FeedbackRequest, time: string): Feedback {
  const topic = (outcome: ProvisioningOutcome) => provisioningTopic(request.thingName, outcome);
  switch (request.outcome) {
    case "created":
      return {
        topic: topic("created"),
        message: { thingName: request.thingName, device: request.device, newInTts: request.newInTts, time },
      };
    case "deleted":
      return { topic: topic("deleted"), message: { thingName: request.thingName, device: request.device, time } };
    case "failed": {
      const { state } = request;
      return {
        topic: topic("failed"),
        message: {
          thingName: request.thingName,
          device: state.validation?.device ?? null,
          error: errorOf(state.error),
          rolledBack: UNDO_ORDER.filter((registry) => state.undo?.[registry] !== undefined),
          rollbackFailed: UNDO_ORDER.flatMap((registry) => {
            const failure = state.undoFailed?.[registry];
            return failure === undefined ? [] : [{ registry, ...errorNamed(failure) }];
          }),
          time,
        },
      };
    }
  }
}

function errorNamed(caught: CaughtError): { error: string; message: string } {
  const { name, message } = errorOf(caught);
  return { error: name, message };
}
