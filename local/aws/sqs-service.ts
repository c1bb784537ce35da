/**
 * Amazon SQS: the operations that inspect, drain and refill the local dead-letter queues — GetQueueUrl,
 * ListQueues, GetQueueAttributes, ReceiveMessage, ChangeMessageVisibility, DeleteMessage, DeleteMessageBatch,
 * SendMessage, PurgeQueue —
 * in JSON 1.0 (`X-Amz-Target: AmazonSQS.<Operation>`: the SDK v3, AWS CLI v1 ≥ 1.29) and in the Query
 * protocol older CLIs send (`Action=<Operation>`, XML answers). Queue URLs are `<endpoint>/<account>/<name>`,
 * the path AWS's have.
 */
import { z } from "zod";
import { SQS_LIMITS } from "../../functions/core/aws-limits.ts";
import type { AwsRequest, AwsService, ResolvedOperation } from "./aws-request.ts";
import { AwsError } from "./errors.ts";
import { type JsonOperation, resolveJsonTarget } from "./json-rpc.ts";
import { LOCAL_ACCOUNT_ID } from "./local-account.ts";
import { paginate } from "./pagination.ts";
import { parseJsonBody } from "./request-body.ts";
import { queryAnswer, queryError, readQueryRequest } from "./sqs-query-protocol.ts";
import {
  invalidParameterValue,
  missingParameter,
  type QueueMessage,
  queueDoesNotExist,
  type SqsQueues,
} from "./sqs-queues.ts";

const BAD_REQUEST = "InvalidParameterValue";
const L = SQS_LIMITS;

const QUEUE_ATTRIBUTES = [
  "ApproximateNumberOfMessages",
  "ApproximateNumberOfMessagesNotVisible",
  "ApproximateNumberOfMessagesDelayed",
  "CreatedTimestamp",
  "LastModifiedTimestamp",
  "QueueArn",
  "VisibilityTimeout",
  "MaximumMessageSize",
  "MessageRetentionPeriod",
  "DelaySeconds",
  "ReceiveMessageWaitTimeSeconds",
  "SqsManagedSseEnabled",
] as const;
type QueueAttribute = (typeof QUEUE_ATTRIBUTES)[number];

const MESSAGE_ATTRIBUTES = ["SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp"];

const queueUrl = { QueueUrl: z.string().optional() };
const names = z.array(z.string()).optional();
const schemas = {
  getQueueUrl: z.object({ QueueName: z.string().optional(), QueueOwnerAWSAccountId: z.string().optional() }),
  listQueues: z.object({
    QueueNamePrefix: z.string().optional(),
    MaxResults: z.number().optional(),
    NextToken: z.string().optional(),
  }),
  getQueueAttributes: z.object({ ...queueUrl, AttributeNames: names }),
  receiveMessage: z.object({
    ...queueUrl,
    AttributeNames: names,
    MessageSystemAttributeNames: names,
    MessageAttributeNames: names,
    MaxNumberOfMessages: z.number().optional(),
    VisibilityTimeout: z.number().optional(),
    WaitTimeSeconds: z.number().optional(),
    ReceiveRequestAttemptId: z.string().optional(),
  }),
  deleteMessage: z.object({ ...queueUrl, ReceiptHandle: z.string().optional() }),
  changeMessageVisibility: z.object({
    ...queueUrl,
    ReceiptHandle: z.string().optional(),
    VisibilityTimeout: z.number().optional(),
  }),
  deleteMessageBatch: z.object({
    ...queueUrl,
    Entries: z.array(z.object({ Id: z.string(), ReceiptHandle: z.string() })).optional(),
  }),
  sendMessage: z.object({
    ...queueUrl,
    MessageBody: z.string().optional(),
    DelaySeconds: z.number().optional(),
    MessageAttributes: z.record(z.string(), z.unknown()).optional(),
    MessageSystemAttributes: z.record(z.string(), z.unknown()).optional(),
    MessageGroupId: z.string().optional(),
    MessageDeduplicationId: z.string().optional(),
  }),
  purgeQueue: z.object(queueUrl),
};

export interface SqsServiceOptions {
  readonly queues: SqsQueues;
  /** The endpoint's URL, for the queue URLs it hands out. */
  readonly endpointUrl: () => string;
}

export function createSqsService({ queues, endpointUrl }: SqsServiceOptions): AwsService {
  const urlOf = (name: string) => `${endpointUrl()}/${LOCAL_ACCOUNT_ID}/${name}`;
  const operations = new Map<string, SqsOperation>([
    [
      "GetQueueUrl",
      (input) => {
        const request = parseInput(input, schemas.getQueueUrl);
        const name = required(request.QueueName, "QueueName");
        const owner = request.QueueOwnerAWSAccountId;
        if ((owner !== undefined && owner !== LOCAL_ACCOUNT_ID) || !queues.has(name)) throw queueDoesNotExist();
        return { QueueUrl: urlOf(name) };
      },
    ],
    [
      "ListQueues",
      (input) => {
        const request = parseInput(input, schemas.listQueues);
        const max = integer(request.MaxResults, "MaxResults", 1, L.maxListQueuesResults);
        const matching = queues.names().filter((name) => name.startsWith(request.QueueNamePrefix ?? ""));
        // Without MaxResults SQS answers up to 1,000 queues and no NextToken.
        const page = paginate(matching, max ?? L.maxListQueuesResults, request.NextToken, BAD_REQUEST);
        return {
          ...(page.items.length > 0 ? { QueueUrls: page.items.map(urlOf) } : {}),
          ...(max !== undefined && page.nextToken !== undefined ? { NextToken: page.nextToken } : {}),
        };
      },
    ],
    [
      "GetQueueAttributes",
      (input) => {
        const request = parseInput(input, schemas.getQueueAttributes);
        const name = queueName(request.QueueUrl);
        const wanted = attributeNames(request.AttributeNames ?? []);
        if (wanted.length === 0) return {};
        const all = queueAttributes(queues, name);
        return { Attributes: Object.fromEntries(wanted.map((attribute) => [attribute, all[attribute]])) };
      },
    ],
    [
      "ReceiveMessage",
      async (input) => {
        const request = parseInput(input, schemas.receiveMessage);
        const name = queueName(request.QueueUrl);
        const max = integer(request.MaxNumberOfMessages, "MaxNumberOfMessages", 1, L.maxReceiveMessages) ?? 1;
        const visibility = integer(request.VisibilityTimeout, "VisibilityTimeout", 0, L.maxVisibilityTimeoutSeconds);
        const waitSeconds = integer(request.WaitTimeSeconds, "WaitTimeSeconds", 0, L.maxWaitTimeSeconds) ?? 0;
        if (waitSeconds > 0) await queues.waitForVisible(name, waitSeconds * 1000);
        const received = queues.receive(name, max, visibility);
        const wantedAttributes = messageAttributeNames([
          ...(request.AttributeNames ?? []),
          ...(request.MessageSystemAttributeNames ?? []),
        ]);
        // An empty receive answers `{}`, as SQS does (the CLI then prints nothing).
        return received.length === 0
          ? {}
          : { Messages: received.map((message) => receivedMessage(message, wantedAttributes)) };
      },
    ],
    [
      "DeleteMessage",
      (input) => {
        const request = parseInput(input, schemas.deleteMessage);
        const name = queueName(request.QueueUrl);
        queues.delete(name, required(request.ReceiptHandle, "ReceiptHandle"));
        return {};
      },
    ],
    [
      "ChangeMessageVisibility",
      (input) => {
        const request = parseInput(input, schemas.changeMessageVisibility);
        const name = queueName(request.QueueUrl);
        const receiptHandle = required(request.ReceiptHandle, "ReceiptHandle");
        const seconds = integer(request.VisibilityTimeout, "VisibilityTimeout", 0, L.maxVisibilityTimeoutSeconds);
        if (seconds === undefined) throw missingParameter("VisibilityTimeout");
        queues.changeVisibility(name, receiptHandle, seconds);
        return {};
      },
    ],
    [
      "DeleteMessageBatch",
      (input) => {
        const request = parseInput(input, schemas.deleteMessageBatch);
        const name = queueName(request.QueueUrl);
        const entries = batchEntries(request.Entries ?? []);
        const successful: { Id: string }[] = [];
        const failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
        for (const entry of entries) {
          try {
            queues.delete(name, entry.ReceiptHandle);
            successful.push({ Id: entry.Id });
          } catch (error) {
            if (!(error instanceof AwsError)) throw error;
            failed.push({ Id: entry.Id, SenderFault: true, Code: error.code, Message: error.message });
          }
        }
        return { Successful: successful, Failed: failed };
      },
    ],
    [
      "SendMessage",
      (input) => {
        const request = parseInput(input, schemas.sendMessage);
        const name = queueName(request.QueueUrl);
        if (request.MessageAttributes !== undefined || request.MessageSystemAttributes !== undefined) {
          throw invalidParameterValue(
            "Message attributes are not supported by the local SQS queue: send the body only.",
          );
        }
        if (request.MessageGroupId !== undefined || request.MessageDeduplicationId !== undefined) {
          throw invalidParameterValue(
            "MessageGroupId and MessageDeduplicationId are for FIFO queues; this is a standard queue.",
          );
        }
        const delay = integer(request.DelaySeconds, "DelaySeconds", 0, L.maxDelaySeconds) ?? 0;
        const message = queues.send(name, required(request.MessageBody, "MessageBody"), delay);
        return { MessageId: message.messageId, MD5OfMessageBody: message.md5OfBody };
      },
    ],
    [
      "PurgeQueue",
      (input) => {
        const request = parseInput(input, schemas.purgeQueue);
        queues.purge(queueName(request.QueueUrl));
        return {};
      },
    ],
  ]);

  /** `…/<account>/<name>`, whatever the host: the SDK and the CLI may write the endpoint differently. */
  function queueName(url: string | undefined): string {
    let segments: string[];
    try {
      segments = new URL(required(url, "QueueUrl"), "http://localhost").pathname.split("/").filter(Boolean);
    } catch (error) {
      if (error instanceof AwsError) throw error;
      throw queueDoesNotExist();
    }
    const [account, name] = segments.slice(-2);
    if (segments.length !== 2 || account !== LOCAL_ACCOUNT_ID || name === undefined || !queues.has(name))
      throw queueDoesNotExist();
    return name;
  }

  const jsonOperations = new Map<string, JsonOperation>(
    [...operations].map(([name, operation]) => [
      name,
      (body) => operation(parseJsonBody(body, z.record(z.string(), z.unknown()), BAD_REQUEST)),
    ]),
  );

  return {
    name: "sqs",
    contentType: "application/x-amz-json-1.0",
    badRequestCode: BAD_REQUEST,
    resolve: (request) =>
      request.headers["x-amz-target"] !== undefined
        ? resolveJsonTarget("AmazonSQS", jsonOperations, request)
        : resolveQuery(operations, request),
  };
}

type SqsOperation = (input: Record<string, unknown>) => unknown;

/** A Query protocol call: its answer and its AWS errors in XML. */
function resolveQuery(
  operations: ReadonlyMap<string, SqsOperation>,
  request: AwsRequest,
): ResolvedOperation | undefined {
  const query = readQueryRequest(request);
  if (query === undefined) return undefined;
  const operation = operations.get(query.action);
  return {
    name: query.action,
    run: async () => {
      try {
        if (operation === undefined)
          throw new AwsError(
            "InvalidAction",
            `The action ${query.action} is not valid for this endpoint.`,
            400,
            "InvalidAction",
          );
        return queryAnswer(query.action, await operation(query.input));
      } catch (error) {
        if (error instanceof AwsError) return queryError(error);
        throw error;
      }
    },
  };
}

function parseInput<T>(input: Record<string, unknown>, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw invalidParameterValue(`Invalid request: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function required(value: string | undefined, parameter: string): string {
  if (value === undefined || value === "") throw missingParameter(parameter);
  return value;
}

function integer(value: number | undefined, parameter: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidParameterValue(
      `Value ${value} for parameter ${parameter} is invalid. Reason: Must be between ${min} and ${max}, if provided.`,
    );
  }
  return value;
}

function attributeNames(requested: readonly string[]): QueueAttribute[] {
  if (requested.includes("All")) return [...QUEUE_ATTRIBUTES];
  for (const name of requested) {
    if (!(QUEUE_ATTRIBUTES as readonly string[]).includes(name)) {
      throw new AwsError("InvalidAttributeName", `Unknown Attribute ${name}.`, 400, "InvalidAttributeName");
    }
  }
  return requested as QueueAttribute[];
}

function messageAttributeNames(requested: readonly string[]): string[] {
  return requested.includes("All") ? MESSAGE_ATTRIBUTES : MESSAGE_ATTRIBUTES.filter((name) => requested.includes(name));
}

function queueAttributes(queues: SqsQueues, name: string): Record<QueueAttribute, string> {
  const settings = queues.settings(name);
  const counts = queues.counts(name);
  return {
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(settings.createdTimestamp),
    LastModifiedTimestamp: String(settings.createdTimestamp),
    QueueArn: queues.arn(name),
    VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
    MaximumMessageSize: String(settings.maxMessageBytes),
    MessageRetentionPeriod: String(settings.retentionSeconds),
    DelaySeconds: "0",
    ReceiveMessageWaitTimeSeconds: "0",
    SqsManagedSseEnabled: "true",
  };
}

function receivedMessage(message: QueueMessage, attributes: readonly string[]) {
  const all: Record<string, string> = {
    SenderId: LOCAL_ACCOUNT_ID,
    SentTimestamp: String(message.sentTimestamp),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? message.sentTimestamp),
  };
  return {
    MessageId: message.messageId,
    ReceiptHandle: message.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(attributes.length > 0 ? { Attributes: Object.fromEntries(attributes.map((name) => [name, all[name]])) } : {}),
  };
}

const BATCH_ENTRY_ID = new RegExp(`^[A-Za-z0-9_-]{1,${SQS_LIMITS.maxBatchEntryIdLength}}$`);

function batchEntries<T extends { Id: string; ReceiptHandle: string }>(entries: readonly T[]): readonly T[] {
  if (entries.length === 0) {
    throw new AwsError(
      "EmptyBatchRequest",
      "There should be at least one DeleteMessageBatchRequestEntry in the request.",
      400,
      "AWS.SimpleQueueService.EmptyBatchRequest",
    );
  }
  if (entries.length > L.maxBatchEntries) {
    throw new AwsError(
      "TooManyEntriesInBatchRequest",
      `Maximum number of entries per request are ${L.maxBatchEntries}. You have sent ${entries.length}.`,
      400,
      "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
    );
  }
  const seen = new Set<string>();
  for (const { Id } of entries) {
    if (!BATCH_ENTRY_ID.test(Id)) {
      throw new AwsError(
        "InvalidBatchEntryId",
        `A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most ${L.maxBatchEntryIdLength} letters long.`,
        400,
        "AWS.SimpleQueueService.InvalidBatchEntryId",
      );
    }
    if (seen.has(Id)) {
      throw new AwsError(
        "BatchEntryIdsNotDistinct",
        `Id ${Id} repeated.`,
        400,
        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
      );
    }
    seen.add(Id);
  }
  return entries;
}
