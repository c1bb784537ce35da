/**
 * AWS IoT Core's message broker limits, in one place (DESIGN §5): the functions' guards, the local
 * broker and the local data-plane Publish all check the same numbers, so what passes locally passes
 * on AWS. Source: AWS IoT Core endpoints and quotas, "Message broker and protocol limits and quotas".
 */

export const IOT_MESSAGE_LIMITS = {
  /** Publish payload, in bytes (128 KB). */
  maxPayloadBytes: 131_072,
  /** Topic length in UTF-8 bytes. */
  maxTopicBytes: 256,
  /** Forward slashes in a topic: at most 8 levels. */
  maxTopicSlashes: 7,
} as const;

/** Why AWS IoT would refuse to publish on `topic`, or undefined when it would not. */
export function publishTopicProblem(topic: string): string | undefined {
  const L = IOT_MESSAGE_LIMITS;
  if (topic === "") return "the topic is empty";
  if (topic.includes("+") || topic.includes("#")) return "a publish topic has no wildcards (+, #)";
  if (topic.includes("\u0000")) return "the topic contains a NUL character";
  const bytes = Buffer.byteLength(topic, "utf8");
  if (bytes > L.maxTopicBytes) return `the topic is ${bytes} bytes; the limit is ${L.maxTopicBytes}`;
  const slashes = topic.split("/").length - 1;
  if (slashes > L.maxTopicSlashes) return `the topic has ${slashes} slashes; the limit is ${L.maxTopicSlashes}`;
  return undefined;
}

/** Why AWS IoT would refuse a payload of `bytes`, or undefined when it would not. */
export function payloadProblem(bytes: number): string | undefined {
  const max = IOT_MESSAGE_LIMITS.maxPayloadBytes;
  return bytes > max ? `the payload is ${bytes} bytes; the limit is ${max}` : undefined;
}

/**
 * The Device Shadow service's document limits (AWS IoT Core endpoints and quotas, "Device Shadow
 * service"): the state (desired and reported, after the merge, metadata excluded) is at most 8 KB.
 */
export const SHADOW_LIMITS = {
  maxStateBytes: 8_192,
  maxDepth: 6,
} as const;

/** `null` members of arrays, which the Device Shadow service refuses (`null` only deletes a key). */
export function hasNullInArray(value: unknown): boolean {
  if (Array.isArray(value)) return value.some((item) => item === null || hasNullInArray(item));
  if (typeof value === "object" && value !== null) return Object.values(value).some(hasNullInArray);
  return false;
}

/**
 * Amazon SQS limits (Amazon SQS API Reference: SendMessage, ReceiveMessage, ChangeMessageVisibility,
 * DeleteMessageBatch, PurgeQueue; Amazon SQS Developer Guide, "Amazon SQS message quotas").
 */
export const SQS_LIMITS = {
  /**
   * A queue's default MaximumMessageSize (256 KiB): what a queue created without the attribute — as Terraform
   * creates ours — refuses beyond. AWS allows raising the attribute to 1 MiB; our dead-letter queues do not.
   */
  defaultMaxMessageBytes: 262_144,
  /** MaxNumberOfMessages of one ReceiveMessage. */
  maxReceiveMessages: 10,
  /** WaitTimeSeconds of one ReceiveMessage (long polling). */
  maxWaitTimeSeconds: 20,
  /** VisibilityTimeout: 12 hours. */
  maxVisibilityTimeoutSeconds: 43_200,
  /** DelaySeconds of SendMessage: 15 minutes. */
  maxDelaySeconds: 900,
  /** Entries of one batch request. */
  maxBatchEntries: 10,
  /** A batch entry's Id: alphanumerics, `-` and `_`. */
  maxBatchEntryIdLength: 80,
  /** One PurgeQueue per queue in this many seconds. */
  purgeIntervalSeconds: 60,
  /** ListQueues MaxResults. */
  maxListQueuesResults: 1000,
} as const;
