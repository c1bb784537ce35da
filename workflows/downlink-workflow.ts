/**
 * The downlink workflow: an application's request on `lorawan/downlink` →
 *   Validate ▶ ResolveThing (DescribeThing, SDK integration) ▶ our thing? ▶ Enqueue (TTS API, retried)
 * and on any failure PublishFailed (TTS `downlink_failed` shape) ▶ DownlinkFailed (Fail state), so the
 * application is told and the console shows the execution as Failed with our error code.
 * A thing of another deployment (other `stackName`) ends quietly: that deployment answers.
 *
 * Input: the rule's `RuleEvent`. Steps hand each other data of fixed shape (see `functions/core/downlink/steps.ts`).
 */
import type { Catcher, StateMachineDefinition } from "./asl.ts";
import { catchAllTo, lambdaTask, TRANSIENT_RETRY } from "./lambda-task.ts";
import { sdkTask } from "./sdk-task.ts";
import type { FunctionArns, WorkflowSettings } from "./workflow-types.ts";

const toPublishFailed: Catcher[] = catchAllTo("PublishFailed", "$.failed");

/** TTS unavailable: 1 + 3 attempts, 2 s → 4 s → 8 s (full jitter), plus TTS's Retry-After waited out in the step. */
export const TTS_UNAVAILABLE_RETRY = {
  ErrorEquals: ["TtsUnavailable"],
  IntervalSeconds: 2,
  BackoffRate: 2,
  MaxAttempts: 3,
  MaxDelaySeconds: 16,
  JitterStrategy: "FULL",
} as const;

export function downlinkWorkflow(arnOf: FunctionArns, settings: WorkflowSettings): StateMachineDefinition {
  const attributes = "$.thing.Attributes";
  return {
    Comment:
      "Application downlink request → validate → resolve the thing → enqueue with TTS; failures → lorawan/<thing>/downlink/failed",
    TimeoutSeconds: 240,
    StartAt: "Validate",
    States: {
      Validate: lambdaTask({
        functionArn: arnOf("validate-downlink"),
        payload: { "event.$": "$", "executionName.$": "$$.Execution.Name" },
        resultSelector: {
          "valid.$": "$.Payload.valid",
          "request.$": "$.Payload.request",
          "failure.$": "$.Payload.failure",
          "correlationIds.$": "$.Payload.correlationIds",
          "receivedAt.$": "$.Payload.receivedAt",
        },
        resultPath: "$.validation",
        catch: toPublishFailed,
        next: "IsValid",
      }),
      IsValid: {
        Type: "Choice",
        Choices: [{ Variable: "$.validation.valid", BooleanEquals: true, Next: "ResolveThing" }],
        Default: "RequestInvalid",
      },
      RequestInvalid: {
        Type: "Pass",
        InputPath: "$.validation.failure",
        ResultPath: "$.failed",
        Next: "PublishFailed",
      },
      ResolveThing: sdkTask({
        service: "iot",
        action: "describeThing",
        parameters: { "ThingName.$": "$.validation.request.thingName" },
        retryOn: ["Iot.ThrottlingException", "Iot.ServiceUnavailableException", "Iot.InternalFailureException"],
        resultPath: "$.thing",
        catch: toPublishFailed,
        next: "IsOurThing",
      }),
      IsOurThing: {
        Type: "Choice",
        Choices: [
          {
            And: [
              { Variable: `${attributes}.stackName`, IsPresent: true },
              { Not: { Variable: `${attributes}.stackName`, StringEquals: settings.stackName } },
            ],
            Next: "OtherDeployment",
          },
          {
            And: [
              { Variable: `${attributes}.deviceID`, IsPresent: true },
              { Variable: `${attributes}.applicationID`, IsPresent: true },
            ],
            Next: "Enqueue",
          },
        ],
        Default: "NotALoRaWANThing",
      },
      OtherDeployment: {
        Type: "Pass",
        Comment: "Another deployment shares this account's lorawan/downlink topic and answers for its own things",
        Parameters: {
          "thingName.$": "$.validation.request.thingName",
          enqueued: false,
          "ownerStackName.$": `${attributes}.stackName`,
          reason: "the thing belongs to another deployment (another stackName); that deployment handles this request",
        },
        End: true,
      },
      NotALoRaWANThing: {
        Type: "Pass",
        Result: {
          code: "thing_not_found",
          message: "the thing has no deviceID/applicationID attributes: it is not a LoRaWAN device",
        },
        ResultPath: "$.failed",
        Next: "PublishFailed",
      },
      Enqueue: {
        ...lambdaTask({
          functionArn: arnOf("enqueue-downlink"),
          payload: {
            "request.$": "$.validation.request",
            "applicationId.$": `${attributes}.applicationID`,
            "deviceId.$": `${attributes}.deviceID`,
            "correlationIds.$": "$.validation.correlationIds",
          },
          resultSelector: {
            "enqueued.$": "$.Payload.enqueued",
            "path.$": "$.Payload.path",
            "failure.$": "$.Payload.failure",
          },
          resultPath: "$.enqueue",
          catch: toPublishFailed,
          next: "IsEnqueued",
        }),
        Retry: [
          { ...TTS_UNAVAILABLE_RETRY, ErrorEquals: [...TTS_UNAVAILABLE_RETRY.ErrorEquals] },
          { ...TRANSIENT_RETRY, ErrorEquals: [...TRANSIENT_RETRY.ErrorEquals] },
        ],
      },
      IsEnqueued: {
        Type: "Choice",
        Choices: [{ Variable: "$.enqueue.enqueued", BooleanEquals: true, Next: "Enqueued" }],
        Default: "EnqueueRefused",
      },
      EnqueueRefused: { Type: "Pass", InputPath: "$.enqueue.failure", ResultPath: "$.failed", Next: "PublishFailed" },
      Enqueued: {
        Type: "Pass",
        Parameters: {
          "thingName.$": "$.validation.request.thingName",
          enqueued: true,
          "ttsPath.$": "$.enqueue.path",
          "correlationIds.$": "$.validation.correlationIds",
        },
        End: true,
      },
      PublishFailed: lambdaTask({
        functionArn: arnOf("publish-feedback"),
        // The whole state: what is known depends on where it failed (no validation if Validate did).
        payload: { "state.$": "$", "executionName.$": "$$.Execution.Name" },
        resultSelector: {
          "topic.$": "$.Payload.topic",
          "error.$": "$.Payload.error",
          "message.$": "$.Payload.message",
        },
        resultPath: "$.feedback",
        next: "DownlinkFailed",
      }),
      DownlinkFailed: {
        Type: "Fail",
        Comment: "The downlink will not happen; the application was told on the feedback topic",
        ErrorPath: "$.feedback.error",
        CausePath: "$.feedback.message",
      },
    },
  };
}
