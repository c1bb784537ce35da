/**
 * SQS's older Query protocol (form-encoded `Action=…` POSTs, XML answers), which AWS CLIs built before SQS
 * moved to JSON 1.0 still speak — Debian's awscli 2.9 among them. It maps a request onto the same input the
 * JSON protocol carries, and an operation's JSON-shaped output back to the XML those CLIs parse. Hand-written:
 * the shapes are the few of the operations served, taken from the SQS model (`2012-11-05`, protocol query).
 */
import { randomUUID } from "node:crypto";
import type { AwsRequest, AwsResponse } from "./aws-request.ts";
import type { AwsError } from "./errors.ts";

const NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/";
const INTEGER_PARAMETERS = new Set([
  "MaxResults",
  "MaxNumberOfMessages",
  "VisibilityTimeout",
  "WaitTimeSeconds",
  "DelaySeconds",
]);
/** Flattened list parameters: `AttributeName.1=All` is `AttributeNames: ["All"]`. */
const LIST_PARAMETERS: Readonly<Record<string, string>> = {
  AttributeName: "AttributeNames",
  MessageAttributeName: "MessageAttributeNames",
  MessageSystemAttributeName: "MessageSystemAttributeNames",
  DeleteMessageBatchRequestEntry: "Entries",
};
/** Flattened map parameters, refused by the operations: only their presence matters. */
const MAP_PARAMETERS: Readonly<Record<string, string>> = {
  MessageAttribute: "MessageAttributes",
  MessageSystemAttribute: "MessageSystemAttributes",
};
/** The element each flattened list member of an answer is written as. */
const LIST_MEMBERS: Readonly<Record<string, string>> = {
  QueueUrls: "QueueUrl",
  Messages: "Message",
  Successful: "DeleteMessageBatchResultEntry",
  Failed: "BatchResultErrorEntry",
};

/** The operations whose answer is only ResponseMetadata. */
const NO_OUTPUT = new Set(["DeleteMessage", "PurgeQueue"]);

export interface QueryRequest {
  readonly action: string;
  readonly input: Record<string, unknown>;
}

/** The action and its input, or undefined when the request is not a Query protocol call. */
export function readQueryRequest(request: AwsRequest): QueryRequest | undefined {
  const contentType = String(request.headers["content-type"] ?? "");
  const form = contentType.startsWith("application/x-www-form-urlencoded")
    ? new URLSearchParams(request.body.toString("utf8"))
    : request.query;
  const action = form.get("Action");
  if (action === null) return undefined;
  const input: Record<string, unknown> = {};
  const lists = new Map<string, Map<number, unknown>>();
  for (const [key, value] of form) {
    const [name = "", index, field] = key.split(".");
    const listName = LIST_PARAMETERS[name];
    const mapName = MAP_PARAMETERS[name];
    if (listName !== undefined && index !== undefined) {
      const items = lists.get(listName) ?? new Map<number, unknown>();
      lists.set(listName, items);
      const position = Number(index);
      if (field === undefined) items.set(position, value);
      else items.set(position, { ...(items.get(position) as object | undefined), [field]: value });
    } else if (mapName !== undefined) {
      input[mapName] = {};
    } else if (index === undefined && name !== "Action" && name !== "Version") {
      input[name] = INTEGER_PARAMETERS.has(name) && /^-?\d+$/.test(value) ? Number(value) : value;
    }
  }
  for (const [name, items] of lists) {
    input[name] = [...items.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
  }
  return { action, input };
}

export function queryAnswer(action: string, output: unknown): AwsResponse {
  // Operations with an output shape always have their result element, empty or not (`<ReceiveMessageResult/>`).
  const result = NO_OUTPUT.has(action)
    ? ""
    : `<${action}Result>${xmlMembers(output as Record<string, unknown>)}</${action}Result>`;
  return xml(`<${action}Response xmlns="${NAMESPACE}">${result}${responseMetadata()}</${action}Response>`);
}

export function queryError(error: AwsError): AwsResponse {
  const code = error.queryErrorCode ?? error.code;
  return {
    status: error.status,
    ...xml(
      `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${error.fault}</Type><Code>${xmlText(code)}</Code>` +
        `<Message>${xmlText(error.message)}</Message><Detail/></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    ),
  };
}

function xmlMembers(value: Record<string, unknown>): string {
  return Object.entries(value)
    .map(([name, member]) => {
      if (Array.isArray(member)) {
        const tag = LIST_MEMBERS[name] ?? name;
        return member.map((item) => element(item, tag)).join("");
      }
      if (typeof member === "object" && member !== null) {
        // SQS's maps (Attributes) are flattened `Attribute` entries of Name and Value.
        return Object.entries(member)
          .map(
            ([key, entry]) =>
              `<Attribute><Name>${xmlText(key)}</Name><Value>${xmlText(String(entry))}</Value></Attribute>`,
          )
          .join("");
      }
      return member === undefined ? "" : element(member, name);
    })
    .join("");
}

function element(value: unknown, name: string): string {
  const content =
    typeof value === "object" && value !== null ? xmlMembers(value as Record<string, unknown>) : xmlText(String(value));
  return `<${name}>${content}</${name}>`;
}

function responseMetadata(): string {
  return `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>`;
}

function xml(text: string): AwsResponse {
  return { raw: Buffer.from(`<?xml version="1.0"?>${text}`), contentType: "text/xml" };
}

/** XML text; a CR is written as a reference, or an XML parser would turn it into a LF. */
function xmlText(text: string): string {
  return text.replace(/[&<>"'\r]/g, (char) => `&#x${char.charCodeAt(0).toString(16).toUpperCase()};`);
}
