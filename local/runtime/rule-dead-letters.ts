/**
 * The rules' error action, locally: a message whose workflow could not be started goes to the workflow's
 * dead-letter queue (`<state machine>-rules-dlq`, as deployed) in the error action message format AWS IoT
 * sends with `useBase64: false` (AWS IoT Core Developer Guide, "Error handling (error action)": one JSON
 * message per rule and message, with ruleName, topic, cloudwatchTraceId, clientId, base64OriginalPayload and
 * failures). The same commands inspect and drain it here and on AWS (`aws sqs receive-message`…).
 */
import { randomUUID } from "node:crypto";
import { stateMachineName, WORKFLOW_NAMES } from "../../workflows/catalogue.ts";
import { DEAD_LETTER_QUEUE, deadLetterQueueName, type ErrorActionMessage } from "../../workflows/dead-letter-queue.ts";
import type { WorkflowName } from "../../workflows/workflow-types.ts";
import type { SqsQueues } from "../aws/index.ts";
import { NO_CLIENT_ID } from "../rules/index.ts";
import type { RuleFailure } from "./topic-rules.ts";

/**
 * The message for a failed start. The guide's example names the action `S3Action` and the resource by the
 * bucket's name; a Step Functions action is named likewise (`StepFunctionsAction`) with its state machine.
 */
export function errorActionMessage(
  failure: RuleFailure,
  stateMachine: string,
  traceId: string = randomUUID(),
): ErrorActionMessage {
  const { error } = failure;
  return {
    ruleName: failure.rule,
    topic: failure.topic,
    cloudwatchTraceId: traceId,
    clientId: failure.clientId ?? NO_CLIENT_ID,
    base64OriginalPayload: Buffer.from(failure.payload).toString("base64"),
    failures: [
      {
        failedAction: "StepFunctionsAction",
        failedResource: stateMachine,
        errorMessage:
          `Failed to start execution of state machine ${stateMachine}. The error received was ${error.name}: ${error.message}. ` +
          `Message arrived on: ${failure.topic}, Action: stepFunctions, StateMachine: ${stateMachine}`,
      },
    ],
  };
}

export class RuleDeadLetters {
  readonly #queues: SqsQueues;
  readonly #stackName: string;

  /** Creates each deployed workflow's dead-letter queue, or keeps the one (and its messages) from an earlier run. */
  constructor(queues: SqsQueues, stackName: string, workflows: readonly WorkflowName[] = WORKFLOW_NAMES) {
    this.#queues = queues;
    this.#stackName = stackName;
    for (const workflow of workflows) queues.ensure(this.queueName(workflow), DEAD_LETTER_QUEUE);
  }

  queueName(workflow: WorkflowName): string {
    return deadLetterQueueName(stateMachineName(this.#stackName, workflow));
  }

  /** Dead-letters a failed start; a failed evaluation fires no error action (AWS only logs it). */
  record(failure: RuleFailure): void {
    if (failure.stage !== "action") return;
    const message = errorActionMessage(failure, stateMachineName(this.#stackName, failure.workflow));
    this.#queues.send(this.queueName(failure.workflow), JSON.stringify(message));
  }
}
