/**
 * Where an IoT rule's error action puts a message whose workflow could not be started (throttled,
 * state machine missing, role broken). Encrypted with SQS-managed keys (SSE-SQS): free, nothing to
 * grant — a customer-managed KMS key would cost a monthly fee plus requests and need kms:GenerateDataKey
 * for the rules role and kms:Decrypt for whoever drains the queue, for messages that are the same TTS
 * payloads the workflow logs already hold. Retention, size and visibility: `DEAD_LETTER_QUEUE`, which the local
 * runtime's queue of the same name keeps too.
 */
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue/index.js";
import { Construct } from "constructs";
import { DEAD_LETTER_QUEUE } from "../../workflows/dead-letter-queue.ts";

export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;
  readonly name: string;

  constructor(scope: Construct, id: string, props: { readonly queueName: string }) {
    super(scope, id);
    this.name = props.queueName;
    this.queue = new SqsQueue(this, "queue", {
      name: props.queueName,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: DEAD_LETTER_QUEUE.retentionSeconds,
      maxMessageSize: DEAD_LETTER_QUEUE.maxMessageBytes,
      visibilityTimeoutSeconds: DEAD_LETTER_QUEUE.visibilityTimeoutSeconds,
    });
  }
}
