/**
 * The local SQS endpoint with the real @aws-sdk/client-sqs (JSON 1.0, query-compatible errors). Expected
 * answers: the Amazon SQS API Reference page of each operation (its parameters' ranges and its Errors),
 * and the error codes the SDK's SQS model maps (`AWS.SimpleQueueService.NonExistentQueue` → QueueDoesNotExist).
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../../../local/aws/index.ts";
import { DEAD_LETTER_QUEUE } from "../../../workflows/dead-letter-queue.ts";
import { credentials, startFixture, useEndpointFixture } from "./endpoint-fixture.ts";

const QUEUE = "s1-upstream-rules-dlq";
const ctx = useEndpointFixture();
let sqs: SQSClient;
let queueUrl: string;

beforeEach(() => {
  ctx.f.endpoint.sqsQueues.ensure(QUEUE, DEAD_LETTER_QUEUE);
  ctx.f.endpoint.sqsQueues.ensure("s1-downlink-rules-dlq", DEAD_LETTER_QUEUE);
  sqs = new SQSClient({ endpoint: ctx.f.endpoint.url, region: LOCAL_REGION, credentials, maxAttempts: 1 });
  queueUrl = `${ctx.f.endpoint.url}/${LOCAL_ACCOUNT_ID}/${QUEUE}`;
});
afterEach(() => sqs.destroy());

const send = (body: string, url = queueUrl) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
const receive = (input: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}) =>
  sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, ...input }));
const attributes = async () =>
  (
    await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    )
  ).Attributes;

describe("SQS: finding the queue", () => {
  it("GetQueueUrl answers <endpoint>/<account>/<name>; ListQueues filters by prefix (API Reference: GetQueueUrl, ListQueues)", async () => {
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: QUEUE }))).QueueUrl).toBe(queueUrl);
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "s1-up" }))).QueueUrls).toEqual([queueUrl]);
    expect((await sqs.send(new ListQueuesCommand({}))).QueueUrls).toHaveLength(2);
    const first = await sqs.send(new ListQueuesCommand({ MaxResults: 1 }));
    const second = await sqs.send(new ListQueuesCommand({ MaxResults: 1, NextToken: first.NextToken }));
    expect([...(first.QueueUrls ?? []), ...(second.QueueUrls ?? [])]).toHaveLength(2);
    expect(second.NextToken).toBeUndefined();
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "other" }))).QueueUrls).toBeUndefined();
  });

  it("answers QueueDoesNotExist (query code AWS.SimpleQueueService.NonExistentQueue) for an unknown queue", async () => {
    const missing = `${ctx.f.endpoint.url}/${LOCAL_ACCOUNT_ID}/missing`;
    for (const call of [
      sqs.send(new GetQueueUrlCommand({ QueueName: "missing" })),
      sqs.send(new ReceiveMessageCommand({ QueueUrl: missing })),
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${ctx.f.endpoint.url}/123456789012/${QUEUE}` })),
      sqs.send(new GetQueueUrlCommand({ QueueName: QUEUE, QueueOwnerAWSAccountId: "123456789012" })),
    ]) {
      await expect(call).rejects.toMatchObject({
        name: "QueueDoesNotExist",
        Code: "AWS.SimpleQueueService.NonExistentQueue",
        $metadata: { httpStatusCode: 400 },
      });
    }
  });
});

describe("SQS: inspecting and draining", () => {
  it("sends, receives (hidden for the visibility timeout), counts and deletes (API Reference: ReceiveMessage, GetQueueAttributes)", async () => {
    const sent = await send('{"ruleName":"r"}');
    // The SDK checks MD5OfMessageBody itself: a wrong digest would have thrown.
    expect(sent.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await attributes()).toEqual({
      ApproximateNumberOfMessages: "1",
      ApproximateNumberOfMessagesNotVisible: "0",
    });
    const { Messages } = await receive({ MessageSystemAttributeNames: ["All"] });
    expect(Messages).toEqual([
      {
        MessageId: sent.MessageId,
        ReceiptHandle: expect.any(String),
        MD5OfBody: sent.MD5OfMessageBody,
        Body: '{"ruleName":"r"}',
        Attributes: {
          SenderId: LOCAL_ACCOUNT_ID,
          SentTimestamp: expect.stringMatching(/^\d{13}$/),
          ApproximateReceiveCount: "1",
          ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
        },
      },
    ]);
    expect((await receive()).Messages).toBeUndefined();
    expect(await attributes()).toEqual({
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "1",
    });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: Messages?.[0]?.ReceiptHandle }));
    expect(await attributes()).toEqual({
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "0",
    });
  });

  it("receives at most MaxNumberOfMessages, 1 by default (API Reference: ReceiveMessage)", async () => {
    for (let index = 0; index < 12; index += 1) await send(`m${index}`);
    expect((await receive({ MaxNumberOfMessages: undefined, VisibilityTimeout: 0 })).Messages).toHaveLength(1);
    expect((await receive({ VisibilityTimeout: 0 })).Messages).toHaveLength(10);
  });

  it("VisibilityTimeout 0 makes a message receivable again at once, with a higher receive count", async () => {
    await send("again");
    await receive({ VisibilityTimeout: 0 });
    const { Messages } = await receive({ MessageSystemAttributeNames: ["ApproximateReceiveCount"] });
    expect(Messages?.[0]?.Attributes).toEqual({ ApproximateReceiveCount: "2" });
  });

  it("ChangeMessageVisibility 0 returns a received message to the queue at once; a visible one is not in flight (API Reference: ChangeMessageVisibility)", async () => {
    await send("released");
    const [received] = (await receive()).Messages ?? [];
    expect(await attributes()).toEqual({
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "1",
    });
    const change = (seconds: number, handle = received!.ReceiptHandle) =>
      sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: handle, VisibilityTimeout: seconds }),
      );
    await expect(change(43_201)).rejects.toMatchObject({ name: "InvalidParameterValue" });
    await change(0);
    expect(await attributes()).toEqual({
      ApproximateNumberOfMessages: "1",
      ApproximateNumberOfMessagesNotVisible: "0",
    });
    await expect(change(30)).rejects.toMatchObject({ name: "MessageNotInflight", $metadata: { httpStatusCode: 400 } });
    // Received again: the first handle is no longer the message's.
    const [again] = (await receive()).Messages ?? [];
    await expect(change(0)).rejects.toMatchObject({
      name: "InvalidParameterValue",
      message: expect.stringContaining("Message does not exist or is not available for visibility timeout change"),
    });
    await change(600, again!.ReceiptHandle);
    expect(await attributes()).toEqual({
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "1",
    });
    await expect(change(0, "forged")).rejects.toMatchObject({ name: "ReceiptHandleIsInvalid" });
  });

  it("long polling (WaitTimeSeconds) answers as soon as a message arrives (API Reference: ReceiveMessage)", async () => {
    const polling = receive({ WaitTimeSeconds: 20 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await send("arrived");
    expect((await polling).Messages?.map((message) => message.Body)).toEqual(["arrived"]);
  });

  it("deletes in batches, reporting each entry (API Reference: DeleteMessageBatch)", async () => {
    await send("a");
    await send("b");
    const handles = ((await receive()).Messages ?? []).map((message) => message.ReceiptHandle ?? "");
    const answer = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: "first", ReceiptHandle: handles[0] },
          { Id: "second", ReceiptHandle: handles[1] },
          { Id: "bad", ReceiptHandle: "not-a-handle" },
        ],
      }),
    );
    expect(answer.Successful).toEqual([{ Id: "first" }, { Id: "second" }]);
    expect(answer.Failed).toEqual([
      {
        Id: "bad",
        SenderFault: true,
        Code: "ReceiptHandleIsInvalid",
        Message: expect.stringContaining("not-a-handle"),
      },
    ]);
    expect(await attributes()).toEqual({
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "0",
    });
  });

  it("purges a queue, at most once a minute (API Reference: PurgeQueue → PurgeQueueInProgress)", async () => {
    await send("gone");
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
    expect(await attributes()).toEqual({
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesNotVisible: "0",
    });
    await expect(sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }))).rejects.toMatchObject({
      name: "PurgeQueueInProgress",
      Code: "AWS.SimpleQueueService.PurgeQueueInProgress",
      $metadata: { httpStatusCode: 403 },
    });
  });

  it("keeps messages across a restart of the endpoint (state in the data dir)", async () => {
    await send("durable");
    await ctx.f.close();
    ctx.f = await startFixture(ctx.dataDir);
    sqs.destroy();
    sqs = new SQSClient({ endpoint: ctx.f.endpoint.url, region: LOCAL_REGION, credentials, maxAttempts: 1 });
    queueUrl = `${ctx.f.endpoint.url}/${LOCAL_ACCOUNT_ID}/${QUEUE}`;
    expect((await receive()).Messages?.map((message) => message.Body)).toEqual(["durable"]);
  });
});

describe("SQS: AWS's errors for bad input", () => {
  it.each([
    ["MaxNumberOfMessages 0", { MaxNumberOfMessages: 0 }],
    ["MaxNumberOfMessages 11", { MaxNumberOfMessages: 11 }],
    ["WaitTimeSeconds 21", { WaitTimeSeconds: 21 }],
    ["VisibilityTimeout 43201", { VisibilityTimeout: 43_201 }],
  ])("ReceiveMessage with %s → InvalidParameterValue (API Reference: ReceiveMessage)", async (_case, input) => {
    await expect(receive(input)).rejects.toMatchObject({
      name: "InvalidParameterValue",
      $metadata: { httpStatusCode: 400 },
    });
  });

  it("refuses a message over the queue's MaximumMessageSize, 262,144 bytes (API Reference: SendMessage)", async () => {
    await expect(send("x".repeat(262_144))).resolves.toMatchObject({ MessageId: expect.any(String) });
    await expect(send("x".repeat(262_145))).rejects.toMatchObject({
      name: "InvalidParameterValue",
      message: "One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.",
    });
    // Bytes, not characters: 131,073 two-byte characters are 262,146 bytes.
    await expect(send("é".repeat(131_073))).rejects.toMatchObject({ name: "InvalidParameterValue" });
  });

  it("refuses characters outside SQS's allowed set (API Reference: SendMessage → InvalidMessageContents)", async () => {
    await expect(send("nul \u0000 inside")).rejects.toMatchObject({ name: "InvalidMessageContents" });
  });

  it("answers MissingParameter (400) for an empty body or a missing VisibilityTimeout (Amazon SQS API Reference, Common Errors: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html)", async () => {
    await expect(send("")).rejects.toMatchObject({
      name: "MissingParameter",
      message: "The request must contain the parameter MessageBody.",
      $metadata: { httpStatusCode: 400 },
    });
    await send("held");
    const [received] = (await receive()).Messages ?? [];
    await expect(
      sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: received!.ReceiptHandle,
        } as ConstructorParameters<typeof ChangeMessageVisibilityCommand>[0]),
      ),
    ).rejects.toMatchObject({ name: "MissingParameter", message: expect.stringContaining("VisibilityTimeout") });
  });

  it("answers ReceiptHandleIsInvalid for a handle it never gave (API Reference: DeleteMessage)", async () => {
    await expect(
      sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: "forged" })),
    ).rejects.toMatchObject({ name: "ReceiptHandleIsInvalid", $metadata: { httpStatusCode: 404 } });
  });

  it("refuses empty, oversized and ambiguous batches (API Reference: DeleteMessageBatch)", async () => {
    const batch = (Entries: { Id: string; ReceiptHandle: string }[]) =>
      sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries }));
    const entry = (Id: string) => ({ Id, ReceiptHandle: "h" });
    await expect(batch([])).rejects.toMatchObject({ name: "EmptyBatchRequest" });
    await expect(batch(Array.from({ length: 11 }, (_, index) => entry(`e${index}`)))).rejects.toMatchObject({
      name: "TooManyEntriesInBatchRequest",
    });
    await expect(batch([entry("same"), entry("same")])).rejects.toMatchObject({ name: "BatchEntryIdsNotDistinct" });
    await expect(batch([entry("not ok!")])).rejects.toMatchObject({ name: "InvalidBatchEntryId" });
  });

  it("answers InvalidAttributeName for an attribute SQS does not have (API Reference: GetQueueAttributes)", async () => {
    await expect(
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["Bogus" as never] })),
    ).rejects.toMatchObject({ name: "InvalidAttributeName" });
    expect((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl }))).Attributes).toBeUndefined();
  });

  it("serves the queue's settings as the deployed queue has them", async () => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["All"] }),
    );
    expect(Attributes).toMatchObject({
      QueueArn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${QUEUE}`,
      MessageRetentionPeriod: "1209600",
      MaximumMessageSize: "262144",
      VisibilityTimeout: "30",
      SqsManagedSseEnabled: "true",
    });
  });
});
