/**
 * PublishCreated / PublishFailed / PublishDeleted steps: the provisioning workflow's outcome on
 * `lorawan/<thing>/provisioning/<outcome>` (shapes in `core/provisioning/feedback.ts`). A failure
 * is read from the workflow's state at that point: the caught error, and what the compensation
 * deleted or could not delete.
 */
import {
  type CaughtError,
  type CreatedFeedback,
  type DeletedFeedback,
  type DeviceIds,
  errorOf,
  type FailedFeedback,
  type ProvisioningOutcome,
  provisioningTopic,
} from "../core/provisioning/feedback.ts";
import { TTS_REGISTRIES, type TtsRegistry } from "../tts/end-devices.ts";

/** The compensation deletes in the order they run: the reverse of the creates. */
const UNDO_ORDER: readonly TtsRegistry[] = [...TTS_REGISTRIES].reverse();

export type FeedbackRequest =
  | { readonly outcome: "created"; readonly thingName: string; readonly device: DeviceIds; readonly newInTts: boolean }
  | { readonly outcome: "deleted"; readonly thingName: string; readonly device: DeviceIds }
  | {
      readonly outcome: "failed";
      readonly thingName: string;
      readonly state: {
        readonly validation?: { readonly device?: DeviceIds | undefined } | undefined;
        readonly error: CaughtError;
        readonly undo?: Readonly<Partial<Record<TtsRegistry, unknown>>> | undefined;
        readonly undoFailed?: Readonly<Partial<Record<TtsRegistry, CaughtError>>> | undefined;
      };
    };

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
