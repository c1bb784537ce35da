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
 * The thing registry's limits: AWS IoT API reference, CreateThing, CreateThingType and
 * AttributePayload (patterns and lengths); AWS IoT Core endpoints and quotas (attributes per thing).
 */
export const THING_LIMITS = {
  /** Thing and thing type names: 1–128 of `[a-zA-Z0-9:_-]`. */
  namePattern: /^[a-zA-Z0-9:_-]+$/,
  maxNameLength: 128,
  attributeNamePattern: /^[a-zA-Z0-9_.,@/:#-]+$/,
  maxAttributeNameLength: 128,
  attributeValuePattern: /^[a-zA-Z0-9_.,@/:#=[\]-]*$/,
  maxAttributeValueLength: 800,
  maxAttributesWithoutThingType: 3,
  maxAttributesWithThingType: 50,
  /** Searchable attributes of a thing type, fixed at its creation. */
  maxSearchableAttributes: 3,
  maxThingTypeDescriptionLength: 2028,
} as const;

/** The patterns as AWS's API reference prints them, for messages in AWS's wording. */
export const THING_PATTERN_TEXT = {
  name: "[a-zA-Z0-9:_-]+",
  attributeName: "[a-zA-Z0-9_.,@/:#-]+",
  attributeValue: "[a-zA-Z0-9_.,@/:#=\\[\\]-]*",
} as const;

/** Why AWS would refuse a thing (or thing type) name, or undefined. */
export function thingNameProblem(name: string): string | undefined {
  const L = THING_LIMITS;
  if (name.length < 1) return "Member must have length greater than or equal to 1";
  if (name.length > L.maxNameLength) return `Member must have length less than or equal to ${L.maxNameLength}`;
  if (!L.namePattern.test(name)) return `Member must satisfy regular expression pattern: ${THING_PATTERN_TEXT.name}`;
  return undefined;
}

/** Why AWS would refuse these attributes of a thing with or without a thing type, or undefined. */
export function thingAttributesProblem(
  attributes: Readonly<Record<string, string>>,
  hasThingType: boolean,
): string | undefined {
  const L = THING_LIMITS;
  for (const [name, value] of Object.entries(attributes)) {
    if (name.length > L.maxAttributeNameLength || !L.attributeNamePattern.test(name)) {
      return `Map keys must satisfy constraint: [Member must have length less than or equal to ${L.maxAttributeNameLength}, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ${THING_PATTERN_TEXT.attributeName}]`;
    }
    if (value.length > L.maxAttributeValueLength || !L.attributeValuePattern.test(value)) {
      return `Map value must satisfy constraint: [Member must have length less than or equal to ${L.maxAttributeValueLength}, Member must satisfy regular expression pattern: ${THING_PATTERN_TEXT.attributeValue}]`;
    }
  }
  const count = Object.keys(attributes).length;
  const max = hasThingType ? L.maxAttributesWithThingType : L.maxAttributesWithoutThingType;
  if (count > max) {
    return hasThingType
      ? `a thing can have at most ${max} attributes; this one would have ${count}`
      : `a thing without a thing type can have at most ${max} attributes (${L.maxAttributesWithThingType} with one); this one would have ${count}`;
  }
  return undefined;
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
