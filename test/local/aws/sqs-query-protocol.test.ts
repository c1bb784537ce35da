/**
 * SQS's Query protocol, which Debian's awscli 2.9 (the CI's CLI) still sends: form-encoded `Action=` POSTs
 * answered in XML, shapes from the SQS model `2012-11-05` (protocol query, resultWrapper `<Action>Result`,
 * flattened lists and `Attribute` maps), errors as `<ErrorResponse>` with the query error code.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { LOCAL_ACCOUNT_ID } from "../../../local/aws/index.ts";
import { DEAD_LETTER_QUEUE } from "../../../workflows/dead-letter-queue.ts";
import { useEndpointFixture } from "./endpoint-fixture.ts";

const QUEUE = "s1-upstream-rules-dlq";
const ctx = useEndpointFixture();
beforeEach(() => ctx.f.endpoint.sqsQueues.ensure(QUEUE, DEAD_LETTER_QUEUE));

async function query(
  parameters: Record<string, string>,
): Promise<{ status: number; type: string | null; xml: string }> {
  const response = await fetch(ctx.f.endpoint.url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      authorization:
        "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: new URLSearchParams({ ...parameters, Version: "2012-11-05" }).toString(),
  });
  return { status: response.status, type: response.headers.get("content-type"), xml: await response.text() };
}

const queueUrl = () => `${ctx.f.endpoint.url}/${LOCAL_ACCOUNT_ID}/${QUEUE}`;

describe("SQS Query protocol", () => {
  it("answers GetQueueUrl in XML inside its result wrapper", async () => {
    const answer = await query({ Action: "GetQueueUrl", QueueName: QUEUE });
    expect(answer.status).toBe(200);
    expect(answer.type).toBe("text/xml");
    expect(answer.xml).toContain(`<GetQueueUrlResult><QueueUrl>${queueUrl()}</QueueUrl></GetQueueUrlResult>`);
  });

  it("receives with flattened Message and Attribute elements, the body XML-escaped", async () => {
    ctx.f.endpoint.sqsQueues.send(QUEUE, '{"a":"<&>"}\r\n');
    const answer = await query({
      Action: "ReceiveMessage",
      QueueUrl: queueUrl(),
      MaxNumberOfMessages: "10",
      "AttributeName.1": "ApproximateReceiveCount",
    });
    expect(answer.xml).toMatch(
      /<ReceiveMessageResult><Message><MessageId>[0-9a-f-]{36}<\/MessageId><ReceiptHandle>[\w-]+<\/ReceiptHandle><MD5OfBody>[0-9a-f]{32}<\/MD5OfBody><Body>\{&#x22;a&#x22;:&#x22;&#x3C;&#x26;&#x3E;&#x22;\}&#xD;\n<\/Body><Attribute><Name>ApproximateReceiveCount<\/Name><Value>1<\/Value><\/Attribute><\/Message><\/ReceiveMessageResult>/,
    );
  });

  it("answers an empty receive with an empty result element, which the CLI requires", async () => {
    const answer = await query({ Action: "ReceiveMessage", QueueUrl: queueUrl() });
    expect(answer.xml).toContain("<ReceiveMessageResult></ReceiveMessageResult>");
  });

  it("reads batch entries and answers each in its flattened element", async () => {
    ctx.f.endpoint.sqsQueues.send(QUEUE, "m");
    const [message] = ctx.f.endpoint.sqsQueues.receive(QUEUE, 1);
    const answer = await query({
      Action: "DeleteMessageBatch",
      QueueUrl: queueUrl(),
      "DeleteMessageBatchRequestEntry.1.Id": "ok",
      "DeleteMessageBatchRequestEntry.1.ReceiptHandle": message?.receiptHandle ?? "",
      "DeleteMessageBatchRequestEntry.2.Id": "bad",
      "DeleteMessageBatchRequestEntry.2.ReceiptHandle": "forged",
    });
    expect(answer.xml).toContain("<DeleteMessageBatchResultEntry><Id>ok</Id></DeleteMessageBatchResultEntry>");
    expect(answer.xml).toContain(
      "<BatchResultErrorEntry><Id>bad</Id><SenderFault>true</SenderFault><Code>ReceiptHandleIsInvalid</Code>",
    );
    expect(ctx.f.endpoint.sqsQueues.counts(QUEUE)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it("answers errors as <ErrorResponse> with the query error code and status", async () => {
    const missing = await query({ Action: "GetQueueUrl", QueueName: "missing" });
    expect(missing.status).toBe(400);
    expect(missing.xml).toContain(
      "<Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist.</Message>",
    );
    const tooMany = await query({ Action: "ReceiveMessage", QueueUrl: queueUrl(), MaxNumberOfMessages: "11" });
    expect(tooMany.xml).toContain("<Code>InvalidParameterValue</Code>");
    const unknown = await query({ Action: "CreateQueue", QueueName: "new" });
    expect(unknown.xml).toContain("<Code>InvalidAction</Code>");
  });

  it("answers actions without output with ResponseMetadata only", async () => {
    const answer = await query({ Action: "PurgeQueue", QueueUrl: queueUrl() });
    expect(answer.xml).toMatch(
      /<PurgeQueueResponse [^>]+><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/PurgeQueueResponse>$/,
    );
  });
});
