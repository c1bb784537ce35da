/**
 * The downlink workflow: an application's request on `lorawan/downlink` →
 *   Validate ▶ ResolveThing (DescribeThing, SDK integration) ▶ our thing? ▶ duplicate? ▶ Push, at most
 *   `MAX_PUSHES` times, looking into the device's queue before pushing again when TTS may have taken it
 * and on any failure PublishFailed (TTS `downlink_failed` shape) ▶ DownlinkFailed (Fail state), so the
 * application is told and the console shows the execution as Failed with our error code.
 * A thing of another deployment (other `stackName`) ends quietly: that deployment answers.
 *
 * Exactly once, as far as TTS lets us see (the README states the guarantee and its limits):
 * - a push whose outcome is unknown (timeout, reset, 5xx, the function stopped mid-flight) is never
 *   repeated blindly: after a wait (TTS may still be processing it), CheckQueue looks for this
 *   execution's correlation id in the device's queue, and a downlink found there is done;
 * - a `replace` is idempotent by nature (the queue ends the same however often it runs), so repeating
 *   it could not duplicate anything; it is looked for all the same, because only the look tells
 *   whether a `failed` would be true;
 * - a request with an application `correlationId` is not pushed while a downlink with that id is
 *   queued (FindDuplicate): duplicate deliveries and resends of it are absorbed;
 * - `failed` says `tts_unavailable` only when the downlink is known not to be queued, and
 *   `tts_outcome_unknown` when nobody can tell.
 *
 * Input: the rule's `RuleEvent`. Steps hand each other data of fixed shape (see `functions/core/downlink/steps.ts`).
 */
import type { Catcher, ChoiceState, StateMachineDefinition } from "./asl.ts";
import { catchAllTo, lambdaTask, TRANSIENT_RETRY } from "./lambda-task.ts";
import { sdkTask } from "./sdk-task.ts";
import type { FunctionArns, WorkflowSettings } from "./workflow-types.ts";

const toPublishFailed: Catcher[] = catchAllTo("PublishFailed", "$.failed");

/** Pushes of one request at most (the first and three more), with the waits the Push step asks for in between. */
export const MAX_PUSHES = 4;

/** The device's queue unreadable for now: 1 + 2 attempts, 1 s → 2 s (full jitter); then nobody can tell. */
export const QUEUE_READ_RETRY = {
  ErrorEquals: ["TtsUnavailable"],
  IntervalSeconds: 1,
  BackoffRate: 2,
  MaxAttempts: 2,
  MaxDelaySeconds: 2,
  JitterStrategy: "FULL",
} as const;

/**
 * A push is retried by Step Functions only when the function certainly did not reach TTS: the Lambda
 * service did not run it, or the AWS call before the push (the API key secret) failed. Every other
 * repeat goes through the workflow's own loop, which looks before it pushes.
 */
export const PUSH_NOT_RUN_RETRY = {
  ...TRANSIENT_RETRY,
  ErrorEquals: TRANSIENT_RETRY.ErrorEquals.filter(
    (name) => name !== "Lambda.Unknown" && name !== "Lambda.ClientExecutionTimeoutException",
  ),
};

/** Errors the Push function raises before any call to TTS: the push certainly did not happen. */
export const PUSH_NOT_STARTED_ERRORS = ["InvalidStepInput", "ConfigurationError"];

export function downlinkWorkflow(arnOf: FunctionArns, settings: WorkflowSettings): StateMachineDefinition {
  const attributes = "$.thing.Attributes";
  const device = { "applicationId.$": `${attributes}.applicationID`, "deviceId.$": `${attributes}.deviceID` };
  const claimKey = {
    "thingName.$": "$.validation.request.thingName",
    "correlationId.$": "$.validation.request.correlationId",
    "executionName.$": "$$.Execution.Name",
  };
  /** Gives the claim back at the end, so a resend after the outcome is not taken for a duplicate; it expires anyway. */
  const releaseClaim = (next: string) =>
    lambdaTask({
      functionArn: arnOf("downlink-claim"),
      payload: { action: "release", ...claimKey },
      resultPath: null,
      catch: catchAllTo(next, "$.releaseError"),
      next,
    });
  /** The find-queued-downlink step: is a downlink carrying the correlation id at that path in the device's queue? */
  const lookIntoQueue = (options: {
    correlationIdPath: string;
    resultPath: string;
    catch: Catcher[];
    next: string;
    comment?: string;
  }) =>
    lambdaTask({
      functionArn: arnOf("find-queued-downlink"),
      ...(options.comment !== undefined ? { comment: options.comment } : {}),
      payload: { ...device, "correlationId.$": options.correlationIdPath },
      resultSelector: {
        "readable.$": "$.Payload.readable",
        "found.$": "$.Payload.found",
        "failure.$": "$.Payload.failure",
      },
      resultPath: options.resultPath,
      catch: options.catch,
      retry: [QUEUE_READ_RETRY, TRANSIENT_RETRY],
      next: options.next,
    });
  /** Where a look into the queue (its result at `resultPath`) leads: TTS refused to show it, the downlink is there, or not. */
  const afterLook = (resultPath: string, next: { unreadable: string; found: string; absent: string }): ChoiceState => ({
    Type: "Choice",
    Choices: [
      { Variable: `${resultPath}.readable`, BooleanEquals: false, Next: next.unreadable },
      { Variable: `${resultPath}.found`, BooleanEquals: true, Next: next.found },
    ],
    Default: next.absent,
  });
  return {
    Comment:
      "Application downlink request → validate → resolve the thing → push to TTS, looking into the queue before pushing again; failures → lorawan/<thing>/downlink/failed",
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
            Next: "StartPushing",
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
      StartPushing: { Type: "Pass", Result: { count: 0 }, ResultPath: "$.pushes", Next: "HasCorrelationId" },
      HasCorrelationId: {
        Type: "Choice",
        Comment:
          "Only a request with the application's own correlationId can be told from a new one with the same bytes",
        Choices: [{ Variable: "$.validation.request.correlationId", IsPresent: true, Next: "Claim" }],
        Default: "CountPush",
      },
      Claim: lambdaTask({
        functionArn: arnOf("downlink-claim"),
        comment: "Two deliveries of one request at the same moment would both look before either pushes: one goes on",
        payload: { action: "claim", ...claimKey },
        resultSelector: { "claimed.$": "$.Payload.claimed", "heldBy.$": "$.Payload.heldBy" },
        resultPath: "$.claim",
        catch: toPublishFailed,
        next: "IsClaimed",
      }),
      IsClaimed: {
        Type: "Choice",
        Choices: [{ Variable: "$.claim.claimed", BooleanEquals: false, Next: "InProgressElsewhere" }],
        Default: "FindDuplicate",
      },
      InProgressElsewhere: {
        Type: "Pass",
        Comment: "Another delivery of this request is being handled right now; its execution answers",
        Parameters: {
          "thingName.$": "$.validation.request.thingName",
          enqueued: false,
          duplicate: true,
          "correlationId.$": "$.validation.request.correlationId",
          "inProgressBy.$": "$.claim.heldBy",
          reason: "another delivery of this request is being handled right now; that execution answers",
        },
        End: true,
      },
      FindDuplicate: lookIntoQueue({
        correlationIdPath: "$.validation.request.correlationId",
        resultPath: "$.duplicate",
        catch: toPublishFailed,
        next: "IsDuplicate",
      }),
      IsDuplicate: afterLook("$.duplicate", {
        unreadable: "DuplicateCheckRefused",
        found: "AlreadyQueued",
        absent: "CountPush",
      }),
      DuplicateCheckRefused: {
        Type: "Pass",
        Comment: "Nothing was pushed: TTS refused to show the queue (the key's rights, the device)",
        InputPath: "$.duplicate.failure",
        ResultPath: "$.failed",
        Next: "PublishFailed",
      },
      AlreadyQueued: {
        Type: "Pass",
        Comment: "A delivery of this request (or a resend of it) is queued already: pushing again would send it twice",
        Parameters: {
          "thingName.$": "$.validation.request.thingName",
          enqueued: true,
          duplicate: true,
          "correlationId.$": "$.validation.request.correlationId",
          reason: "a downlink with this correlationId is in the device's TTS queue already; not pushed again",
        },
        ResultPath: "$.outcome",
        Next: "ReleaseIfClaimed",
      },
      CountPush: {
        Type: "Pass",
        Parameters: { "count.$": "States.MathAdd($.pushes.count, 1)" },
        ResultPath: "$.pushes",
        Next: "Push",
      },
      Push: lambdaTask({
        functionArn: arnOf("enqueue-downlink"),
        payload: {
          "request.$": "$.validation.request",
          ...device,
          "correlationIds.$": "$.validation.correlationIds",
          "attempt.$": "$.pushes.count",
        },
        resultSelector: {
          "outcome.$": "$.Payload.outcome",
          "path.$": "$.Payload.path",
          "failure.$": "$.Payload.failure",
          "retryInSeconds.$": "$.Payload.retryInSeconds",
        },
        resultPath: "$.push",
        retry: [PUSH_NOT_RUN_RETRY],
        catch: [
          { ErrorEquals: [...PUSH_NOT_STARTED_ERRORS], ResultPath: "$.failed", Next: "PublishFailed" },
          // Anything else (a timeout, Lambda.Unknown, Sandbox.Timedout, out of memory…) may come after the push.
          { ErrorEquals: ["States.ALL"], ResultPath: "$.pushError", Next: "PushInterrupted" },
        ],
        next: "PushOutcome",
      }),
      PushInterrupted: {
        Type: "Pass",
        Comment: "The Push function stopped mid-flight: it may have pushed, so this is an unknown outcome",
        Parameters: {
          outcome: "unknown",
          path: null,
          failure: {
            code: "tts_unavailable",
            // Error, not Cause: a Catch always sets the error name; its cause may be empty.
            "message.$": "States.Format('the push step stopped with {}', $.pushError.Error)",
            attributes: {},
          },
          retryInSeconds: 2,
        },
        ResultPath: "$.push",
        Next: "PushOutcome",
      },
      PushOutcome: {
        Type: "Choice",
        Choices: [
          { Variable: "$.push.outcome", StringEquals: "enqueued", Next: "Enqueued" },
          { Variable: "$.push.outcome", StringEquals: "refused", Next: "PushRefused" },
          { Variable: "$.push.outcome", StringEquals: "unknown", Next: "WaitBeforeLook" },
        ],
        Default: "CanPushAgain",
      },
      PushRefused: { Type: "Pass", InputPath: "$.push.failure", ResultPath: "$.failed", Next: "PublishFailed" },
      WaitBeforeLook: {
        Type: "Wait",
        Comment: "TTS may still be processing the push it did not answer: give it the backoff before looking",
        SecondsPath: "$.push.retryInSeconds",
        Next: "CheckQueue",
      },
      CheckQueue: lookIntoQueue({
        comment: "Did TTS take the push after all? Our correlation id (the first) is on every push of this execution",
        correlationIdPath: "$.validation.correlationIds[0]",
        resultPath: "$.queue",
        catch: catchAllTo("OutcomeUnknown", "$.queueError"),
        next: "InQueue",
      }),
      InQueue: afterLook("$.queue", { unreadable: "OutcomeUnknown", found: "Enqueued", absent: "CanPushAgainNow" }),
      CanPushAgainNow: {
        Type: "Choice",
        Comment: "Not in the queue after the wait before the look: push again at once",
        Choices: [{ Variable: "$.pushes.count", NumericLessThan: MAX_PUSHES, Next: "CountPush" }],
        Default: "NotQueued",
      },
      CanPushAgain: {
        Type: "Choice",
        Choices: [{ Variable: "$.pushes.count", NumericLessThan: MAX_PUSHES, Next: "WaitBeforePush" }],
        Default: "NotQueued",
      },
      WaitBeforePush: {
        Type: "Wait",
        Comment: "Backoff with jitter, or TTS's Retry-After (bounded): what the Push step asked for",
        SecondsPath: "$.push.retryInSeconds",
        Next: "CountPush",
      },
      NotQueued: {
        Type: "Pass",
        Comment: "Every push was refused before any work (429, no connection), or the queue showed it is not there",
        Parameters: {
          code: "tts_unavailable",
          "message.$": "States.Format('{} (not queued after {} pushes)', $.push.failure.message, $.pushes.count)",
          "attributes.$": "$.push.failure.attributes",
        },
        ResultPath: "$.failed",
        Next: "PublishFailed",
      },
      OutcomeUnknown: {
        Type: "Pass",
        Parameters: {
          code: "tts_outcome_unknown",
          "message.$":
            "States.Format('TTS may have queued the downlink: the last push got no clear answer ({}) and the device queue could not be checked', $.push.failure.message)",
          "attributes.$": "$.push.failure.attributes",
        },
        ResultPath: "$.failed",
        Next: "PublishFailed",
      },
      Enqueued: {
        Type: "Pass",
        Parameters: {
          "thingName.$": "$.validation.request.thingName",
          enqueued: true,
          "ttsPath.$": "$.push.path",
          "pushes.$": "$.pushes.count",
          "correlationIds.$": "$.validation.correlationIds",
        },
        ResultPath: "$.outcome",
        Next: "ReleaseIfClaimed",
      },
      ReleaseIfClaimed: {
        Type: "Choice",
        Choices: [{ Variable: "$.claim", IsPresent: true, Next: "ReleaseClaim" }],
        Default: "Done",
      },
      ReleaseClaim: releaseClaim("Done"),
      Done: { Type: "Pass", InputPath: "$.outcome", End: true },
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
        next: "ReleaseIfClaimedAfterFailure",
      }),
      ReleaseIfClaimedAfterFailure: {
        Type: "Choice",
        Choices: [{ Variable: "$.claim", IsPresent: true, Next: "ReleaseClaimAfterFailure" }],
        Default: "DownlinkFailed",
      },
      ReleaseClaimAfterFailure: releaseClaim("DownlinkFailed"),
      DownlinkFailed: {
        Type: "Fail",
        Comment: "The downlink will not happen; the application was told on the feedback topic",
        ErrorPath: "$.feedback.error",
        CausePath: "$.feedback.message",
      },
    },
  };
}
