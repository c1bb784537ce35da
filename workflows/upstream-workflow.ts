/**
 * The upstream workflow: every TTS message → EnsureThing ▶ (UpdateShadow ∥ Republish).
 *
 * Input: the rule's `RuleEvent` (`topic`, base64 `payload`, `clientId`, `timestamp`).
 * Output: a summary (thing, event, what happened to thing and shadow, where it was republished).
 * Any failure ends in `Failed`, whose error and cause are the failing step's, so the console says why.
 *
 * Small state: the message travels once, as the rule's base64 `payload`, and only as far as the steps
 * that read it (UpdateShadow parses it, Republish publishes it as is). Step results are trimmed to
 * what the next states use, and the Parallel state's output is the small summary, not its input.
 * Step Functions limits every state to 256 KB and logs each state's input and output at level ALL:
 * each copy of the message would cost both.
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
              // Its output is the device with the shadow's outcome: what the summary needs from both steps.
              UpdateShadow: lambdaTask({
                functionArn: arnOf("update-shadow"),
                payload: {
                  "thingName.$": "$.device.thingName",
                  "payload.$": "$.payload",
                  "receivedAt.$": "$.device.receivedAt",
                },
                resultSelector: { "outcome.$": "$.Payload" },
                resultPath: "$.device.shadow",
                outputPath: "$.device",
              }),
            },
          },
          {
            StartAt: "Republish",
            States: {
              Republish: lambdaTask({
                functionArn: arnOf("republish"),
                payload: { "topic.$": "$.device.republishTopic", "payload.$": "$.payload" },
                resultSelector: { "topic.$": "$.Payload.topic" },
              }),
            },
          },
        ],
        ResultSelector: {
          "thingName.$": "$[0].thingName",
          "event.$": "$[0].event",
          "thing.$": "$[0].thing",
          "shadow.$": "$[0].shadow.outcome",
          "republishedTo.$": "$[1].topic",
        },
        Catch: catchAllTo("Failed"),
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
