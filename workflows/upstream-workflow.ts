/**
 * The upstream workflow: every TTS message → EnsureThing ▶ (UpdateShadow ∥ Republish).
 *
 * Input: the rule's `RuleEvent` (`topic`, base64 `payload`, `clientId`, `timestamp`).
 * Output: a summary (thing, event, what happened to thing and shadow, where it was republished).
 * Any failure ends in `Failed`, whose error and cause are the failing step's, so the console says why.
 */
import type { StateMachineDefinition } from "./asl.ts";
import { catchAllTo, lambdaTask } from "./lambda-task.ts";
import type { FunctionArns } from "./workflow-types.ts";

export function upstreamWorkflow(arnOf: FunctionArns): StateMachineDefinition {
  return {
    Comment:
      "TTS message → make sure the IoT thing exists → update its lorawan shadow and republish on lorawan/<thing>/…",
    // Well under the Express limit; steps are short and retries bounded.
    TimeoutSeconds: 120,
    StartAt: "EnsureThing",
    States: {
      EnsureThing: lambdaTask({
        functionArn: arnOf("ensure-thing"),
        payload: "$",
        resultSelector: {
          "thingName.$": "$.Payload.thingName",
          "event.$": "$.Payload.event",
          "republishTopic.$": "$.Payload.republishTopic",
          "receivedAt.$": "$.Payload.receivedAt",
          "thing.$": "$.Payload.thing",
          "message.$": "$.Payload.message",
        },
        resultPath: "$.device",
        catch: catchAllTo("Failed"),
        next: "UpdateShadowAndRepublish",
      }),
      UpdateShadowAndRepublish: {
        Type: "Parallel",
        Branches: [
          {
            StartAt: "UpdateShadow",
            States: {
              UpdateShadow: lambdaTask({
                functionArn: arnOf("update-shadow"),
                payload: {
                  "thingName.$": "$.device.thingName",
                  "message.$": "$.device.message",
                  "receivedAt.$": "$.device.receivedAt",
                },
                resultSelector: { "shadow.$": "$.Payload" },
              }),
            },
          },
          {
            StartAt: "Republish",
            States: {
              Republish: lambdaTask({
                functionArn: arnOf("republish"),
                payload: { "topic.$": "$.device.republishTopic", "payload.$": "$.payload" },
                resultSelector: { "republish.$": "$.Payload" },
              }),
            },
          },
        ],
        ResultPath: "$.outcome",
        Catch: catchAllTo("Failed"),
        Next: "Done",
      },
      Done: {
        Type: "Pass",
        Parameters: {
          "thingName.$": "$.device.thingName",
          "event.$": "$.device.event",
          "thing.$": "$.device.thing",
          "shadow.$": "$.outcome[0].shadow",
          "republishedTo.$": "$.outcome[1].republish.topic",
        },
        End: true,
      },
      Failed: {
        Type: "Fail",
        Comment: "The failing step's error name and message, as the step raised them",
        ErrorPath: "$.error.Error",
        CausePath: "$.error.Cause",
      },
    },
  };
}
