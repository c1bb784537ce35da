/**
 * The provisioning workflow, a saga: a thing of ours created in AWS IoT →
 *   ValidateAttributes ▶ CreateInIS ▶ CreateInJS ▶ CreateInNS ▶ CreateInAS ▶ RecordOnThing ▶ PublishCreated
 * and a failure after the first create rolls back what was created, in reverse order (UndoAS ▶ UndoNS ▶
 * UndoJS ▶ UndoIS), then PublishFailed ▶ ProvisioningFailed with the cause. A thing deleted (rule only
 * with `deleteInTts`) → DeleteFromAS ▶ DeleteFromNS ▶ DeleteFromJS ▶ DeleteFromIS ▶ PublishDeleted.
 *
 * Root keys never enter this state: the rule selects no attribute but the device ids, ValidateAttributes
 * and CreateInJS read the thing themselves, and only CreateInJS's request to TTS carries the keys.
 *
 * At-least-once: every step is idempotent (TTS Sets are upserts, a create that exists is read back,
 * deletes of a device already gone succeed). A device the Identity Server had already — a repeated
 * event, or another execution of the same thing — is not rolled back by this execution: it did not
 * create it.
 */
import type { ChoiceState, StateMachineDefinition } from "./asl.ts";
import { catchAllTo, lambdaTask, TRANSIENT_RETRY } from "./lambda-task.ts";
import type { FunctionArns } from "./workflow-types.ts";

/** TTS unreached or answering 408, 429 or 5xx: the same backoff as the Lambda service's own transient failures. */
export const TTS_UNAVAILABLE_RETRY = { ...TRANSIENT_RETRY, ErrorEquals: ["TtsUnavailable"] } as const;

const TTS_CALL_RETRY = [TRANSIENT_RETRY, TTS_UNAVAILABLE_RETRY];

const REGISTRIES = { is: "IS", js: "JS", ns: "NS", as: "AS" } as const;
type Registry = keyof typeof REGISTRIES;

export function provisioningWorkflow(arnOf: FunctionArns): StateMachineDefinition {
  const device = "$.validation.device";
  const registryCall = (
    action: "create" | "delete",
    registry: Registry,
    devicePayload: Record<string, string>,
    options: { resultPath: string; catchTo: string; catchPath: string; next: string },
  ) =>
    lambdaTask({
      functionArn: arnOf("register-end-device"),
      payload: { action, registry, ...devicePayload },
      resultSelector: action === "create" ? { "created.$": "$.Payload.created" } : { "deleted.$": "$.Payload.deleted" },
      resultPath: options.resultPath,
      retry: TTS_CALL_RETRY,
      catch: catchAllTo(options.catchTo, options.catchPath),
      next: options.next,
    });
  const undo = (registry: Registry, next: string) =>
    registryCall(
      "delete",
      registry,
      { "device.$": device },
      {
        resultPath: `$.undo.${registry}`,
        // A delete that failed is reported in the feedback, and the others still run.
        catchTo: next,
        catchPath: `$.undoFailed.${registry}`,
        next,
      },
    );
  /** Rolls back from `registry` down, unless the Identity Server had the device before this execution. */
  const rollBackFrom = (registry: Registry): ChoiceState => ({
    Type: "Choice",
    Comment: "Only what this execution created is deleted: a device TTS had already belongs to whoever made it",
    Choices: [{ Variable: "$.is.created", BooleanEquals: true, Next: `Undo${REGISTRIES[registry]}` }],
    Default: "PublishFailed",
  });
  const deleted = "$.deletedDevice";
  const deleteFrom = (registry: Registry, next: string) =>
    registryCall(
      "delete",
      registry,
      { "device.$": deleted },
      {
        resultPath: `$.deleted.${registry}`,
        catchTo: "PublishFailed",
        catchPath: "$.error",
        next,
      },
    );

  return {
    Comment:
      "AWS IoT thing created → validate → create the device in TTS's IS, JS, NS, AS → record it on the thing, keys removed; failures roll back. Thing deleted → delete from AS, NS, JS, IS",
    TimeoutSeconds: 240,
    StartAt: "Operation",
    States: {
      Operation: {
        Type: "Choice",
        Choices: [{ Variable: "$.operation", StringEquals: "DELETED", Next: "HasDevice" }],
        Default: "ValidateAttributes",
      },
      ValidateAttributes: lambdaTask({
        functionArn: arnOf("validate-device-thing"),
        payload: { "thingName.$": "$.thingName" },
        resultSelector: {
          "action.$": "$.Payload.action",
          "device.$": "$.Payload.device",
          "reason.$": "$.Payload.reason",
        },
        resultPath: "$.validation",
        catch: catchAllTo("PublishFailed"),
        next: "ShouldProvision",
      }),
      ShouldProvision: {
        Type: "Choice",
        Choices: [{ Variable: "$.validation.action", StringEquals: "provision", Next: "CreateInIS" }],
        Default: "NothingToCreate",
      },
      NothingToCreate: {
        Type: "Pass",
        Comment:
          "Another deployment's thing, a device TTS has already (keys gone, ids set), or a thing deleted meanwhile",
        Parameters: { "thingName.$": "$.thingName", provisioned: false, "reason.$": "$.validation.reason" },
        End: true,
      },
      CreateInIS: registryCall(
        "create",
        "is",
        // Written on the device: a retry after a lost answer tells the device it made from one TTS had.
        { "device.$": device, "executionId.$": "$$.Execution.Id" },
        { resultPath: "$.is", catchTo: "PublishFailed", catchPath: "$.error", next: "CreateInJS" },
      ),
      CreateInJS: lambdaTask({
        functionArn: arnOf("register-root-keys"),
        comment: "Reads the root keys from the thing itself: they never enter this state",
        payload: { "device.$": device },
        resultSelector: { "created.$": "$.Payload.created" },
        resultPath: "$.js",
        retry: TTS_CALL_RETRY,
        catch: catchAllTo("RollBackFromJS"),
        next: "CreateInNS",
      }),
      CreateInNS: registryCall(
        "create",
        "ns",
        { "device.$": device },
        { resultPath: "$.ns", catchTo: "RollBackFromNS", catchPath: "$.error", next: "CreateInAS" },
      ),
      CreateInAS: registryCall(
        "create",
        "as",
        { "device.$": device },
        { resultPath: "$.as", catchTo: "RollBackFromAS", catchPath: "$.error", next: "RecordOnThing" },
      ),
      RecordOnThing: lambdaTask({
        functionArn: arnOf("record-provisioning"),
        comment: "deviceID and applicationID on the thing; appKey and nwkKey removed from it",
        payload: { "device.$": device },
        resultSelector: { "keysRemoved.$": "$.Payload.keysRemoved" },
        resultPath: "$.recorded",
        catch: catchAllTo("RollBackFromAS"),
        next: "PublishCreated",
      }),
      PublishCreated: lambdaTask({
        functionArn: arnOf("provisioning-feedback"),
        payload: { outcome: "created", "thingName.$": "$.thingName", "device.$": device, "newInTts.$": "$.is.created" },
        resultSelector: { "topic.$": "$.Payload.topic" },
        resultPath: "$.feedback",
        // The device is there and recorded; a lost notice does not undo it.
        catch: catchAllTo("Provisioned", "$.feedbackError"),
        next: "Provisioned",
      }),
      Provisioned: {
        Type: "Pass",
        Parameters: {
          "thingName.$": "$.thingName",
          provisioned: true,
          "applicationId.$": `${device}.applicationId`,
          "deviceId.$": `${device}.deviceId`,
          "newInTts.$": "$.is.created",
        },
        End: true,
      },
      RollBackFromJS: rollBackFrom("js"),
      RollBackFromNS: rollBackFrom("ns"),
      RollBackFromAS: rollBackFrom("as"),
      UndoAS: undo("as", "UndoNS"),
      UndoNS: undo("ns", "UndoJS"),
      UndoJS: undo("js", "UndoIS"),
      UndoIS: undo("is", "PublishFailed"),
      HasDevice: {
        Type: "Choice",
        Choices: [
          {
            And: [
              { Variable: "$.deviceID", IsPresent: true },
              { Variable: "$.applicationID", IsPresent: true },
            ],
            Next: "DeletedDevice",
          },
        ],
        Default: "NothingToDelete",
      },
      NothingToDelete: {
        Type: "Pass",
        Comment: "The thing never had a TTS device recorded on it",
        Parameters: { "thingName.$": "$.thingName", deleted: false },
        End: true,
      },
      DeletedDevice: {
        Type: "Pass",
        Parameters: { "applicationId.$": "$.applicationID", "deviceId.$": "$.deviceID" },
        ResultPath: deleted,
        Next: "DeleteFromAS",
      },
      DeleteFromAS: deleteFrom("as", "DeleteFromNS"),
      DeleteFromNS: deleteFrom("ns", "DeleteFromJS"),
      DeleteFromJS: deleteFrom("js", "DeleteFromIS"),
      DeleteFromIS: deleteFrom("is", "PublishDeleted"),
      PublishDeleted: lambdaTask({
        functionArn: arnOf("provisioning-feedback"),
        payload: { outcome: "deleted", "thingName.$": "$.thingName", "device.$": deleted },
        resultSelector: { "topic.$": "$.Payload.topic" },
        resultPath: "$.feedback",
        catch: catchAllTo("DeletedInTts", "$.feedbackError"),
        next: "DeletedInTts",
      }),
      DeletedInTts: {
        Type: "Pass",
        Parameters: { "thingName.$": "$.thingName", deleted: true, "device.$": deleted },
        End: true,
      },
      PublishFailed: lambdaTask({
        functionArn: arnOf("provisioning-feedback"),
        // The whole state: what is known depends on where it failed (no device if validation did).
        payload: { outcome: "failed", "thingName.$": "$.thingName", "state.$": "$" },
        resultSelector: { "topic.$": "$.Payload.topic" },
        resultPath: "$.feedback",
        catch: catchAllTo("ProvisioningFailed", "$.feedbackError"),
        next: "ProvisioningFailed",
      }),
      ProvisioningFailed: {
        Type: "Fail",
        Comment: "The failing step's error name and message; the compensation's outcome is in the failed feedback",
        ErrorPath: "$.error.Error",
        CausePath: "$.error.Cause",
      },
    },
  };
}
