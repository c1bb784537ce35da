/**
 * Standard SQS queues and their messages, kept on disk (`sqs-queues.json`), with SQS's visibility timeout,
 * receive counts, delays, retention and per-receive receipt handles. The runtime creates the queues (the
 * workflows' dead-letter queues); the endpoint serves reading and draining them.
 *
 * Bounded beyond SQS: a queue keeps at most `maxMessages` messages and `maxBytes` of bodies; past either,
 * the oldest messages are dropped, each with a line on stderr.
 */
import { createHash, randomUUID } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import { SQS_LIMITS } from "../../functions/core/aws-limits.ts";
import { AwsError } from "./errors.ts";
import { CoalescedJsonWriter, readJsonFileSync } from "./json-file.ts";
import { LOCAL_ACCOUNT_ID } from "./local-account.ts";

export interface QueueSettings {
  readonly retentionSeconds: number;
  readonly maxMessageBytes: number;
  readonly visibilityTimeoutSeconds: number;
}

export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  /** Epoch milliseconds. */
  readonly sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** Epoch milliseconds before which a receive does not return it (delay, or visibility timeout). */
  visibleAt: number;
  /** The latest receive's handle: only it deletes the message. */
  receiptHandle?: string;
}

interface StoredQueue {
  readonly name: string;
  /** Epoch seconds. */
  readonly createdTimestamp: number;
  settings: QueueSettings;
  messages: QueueMessage[];
}

/** What `sqs-queues.json` must hold: checked on load, so a damaged file is named, not half-read. */
const StoredQueues = z.array(
  z.object({
    name: z.string().min(1),
    createdTimestamp: z.number(),
    settings: z.object({
      retentionSeconds: z.number(),
      maxMessageBytes: z.number(),
      visibilityTimeoutSeconds: z.number(),
    }),
    messages: z.array(
      z.object({
        messageId: z.string(),
        body: z.string(),
        md5OfBody: z.string(),
        sentTimestamp: z.number(),
        receiveCount: z.number().int().min(0),
        firstReceiveTimestamp: z.number().exactOptional(),
        visibleAt: z.number(),
        receiptHandle: z.string().exactOptional(),
      }),
    ),
  }),
);

export interface QueueCounts {
  /** Receivable now (ApproximateNumberOfMessages). */
  readonly visible: number;
  /** Received and within their visibility timeout (ApproximateNumberOfMessagesNotVisible). */
  readonly inFlight: number;
  /** Sent with a delay not yet over (ApproximateNumberOfMessagesDelayed). */
  readonly delayed: number;
}

export const DEFAULT_MAX_QUEUE_MESSAGES = 10_000;
export const DEFAULT_MAX_QUEUE_BYTES = 64 * 1024 * 1024;

/** SendMessage's allowed characters (W3C XML Char): #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF. */
const FORBIDDEN_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const RECEIPT_HANDLE = /^([0-9a-f-]{36}):([0-9a-f-]{36})$/;

export const queueDoesNotExist = (): AwsError =>
  new AwsError(
    "QueueDoesNotExist",
    "The specified queue does not exist.",
    400,
    "AWS.SimpleQueueService.NonExistentQueue",
  );

export const invalidParameterValue = (message: string): AwsError =>
  new AwsError("InvalidParameterValue", message, 400, "InvalidParameterValue");

export const missingParameter = (parameter: string): AwsError =>
  new AwsError("MissingParameter", `The request must contain the parameter ${parameter}.`, 400, "MissingParameter");

export interface SqsQueuesOptions {
  readonly dataDir: string;
  readonly region: string;
  readonly maxMessages?: number;
  readonly maxBytes?: number;
  /** Epoch milliseconds; tests move time instead of waiting. */
  readonly now?: () => number;
}

export class SqsQueues {
  readonly #region: string;
  readonly #queues: Map<string, StoredQueue>;
  readonly #writer: CoalescedJsonWriter;
  readonly #maxMessages: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  /** Long polls waiting for a message: each is called on every send. */
  readonly #waiters = new Set<() => void>();
  readonly #lastPurge = new Map<string, number>();
  #closed = false;

  constructor(options: SqsQueuesOptions) {
    const file = join(options.dataDir, "sqs-queues.json");
    const stored: StoredQueue[] | undefined = readJsonFileSync(file, StoredQueues);
    this.#region = options.region;
    this.#queues = new Map(stored?.map((queue) => [queue.name, queue]));
    this.#writer = new CoalescedJsonWriter({ file, snapshot: () => [...this.#queues.values()] });
    this.#maxMessages = options.maxMessages ?? DEFAULT_MAX_QUEUE_MESSAGES;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_QUEUE_BYTES;
    this.#now = options.now ?? Date.now;
  }

  /** Creates the queue, or applies `settings` to the one kept from an earlier run (its messages stay). */
  ensure(name: string, settings: QueueSettings): void {
    const existing = this.#queues.get(name);
    if (existing !== undefined) existing.settings = settings;
    else this.#queues.set(name, { name, createdTimestamp: Math.floor(this.#now() / 1000), settings, messages: [] });
    this.#writer.schedule();
  }

  has(name: string): boolean {
    return this.#queues.has(name);
  }

  names(): string[] {
    return [...this.#queues.keys()].sort();
  }

  arn(name: string): string {
    return `arn:aws:sqs:${this.#region}:${LOCAL_ACCOUNT_ID}:${this.#queue(name).name}`;
  }

  settings(name: string): QueueSettings & { readonly createdTimestamp: number } {
    const queue = this.#queue(name);
    return { ...queue.settings, createdTimestamp: queue.createdTimestamp };
  }

  send(name: string, body: string, delaySeconds = 0): QueueMessage {
    const queue = this.#queue(name);
    if (body.length === 0) throw missingParameter("MessageBody");
    const bytes = Buffer.byteLength(body, "utf8");
    if (bytes > queue.settings.maxMessageBytes) {
      throw invalidParameterValue(
        `One or more parameters are invalid. Reason: Message must be shorter than ${queue.settings.maxMessageBytes} bytes.`,
      );
    }
    const forbidden = FORBIDDEN_CHARACTER.exec(body)?.[0];
    if (forbidden !== undefined) {
      const code = `#x${forbidden.codePointAt(0)?.toString(16).toUpperCase()}`;
      throw new AwsError(
        "InvalidMessageContents",
        `Invalid binary character '${code}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
        400,
        "InvalidMessageContents",
      );
    }
    const now = this.#now();
    const message: QueueMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5Hex(body),
      sentTimestamp: now,
      receiveCount: 0,
      visibleAt: now + delaySeconds * 1000,
    };
    queue.messages.push(message);
    this.#trim(queue);
    this.#writer.schedule();
    for (const wake of this.#waiters) wake();
    return message;
  }

  /** Up to `max` visible messages, each hidden for `visibilityTimeoutSeconds` (the queue's by default). */
  receive(name: string, max: number, visibilityTimeoutSeconds?: number): QueueMessage[] {
    const queue = this.#current(name);
    const now = this.#now();
    const hiddenFor = (visibilityTimeoutSeconds ?? queue.settings.visibilityTimeoutSeconds) * 1000;
    const received = queue.messages.filter((message) => message.visibleAt <= now).slice(0, max);
    for (const message of received) {
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
      message.visibleAt = now + hiddenFor;
      message.receiptHandle = Buffer.from(`${message.messageId}:${randomUUID()}`).toString("base64url");
    }
    if (received.length > 0) this.#writer.schedule();
    return received;
  }

  /**
   * Waits until `name` may have a visible message, `waitMs` pass, or the store closes (ReceiveMessage's long
   * polling). Woken by every send and when the next hidden message reappears.
   */
  async waitForVisible(name: string, waitMs: number): Promise<void> {
    const deadline = this.#now() + waitMs;
    for (;;) {
      const queue = this.#current(name);
      const now = this.#now();
      if (this.#closed || now >= deadline || queue.messages.some((message) => message.visibleAt <= now)) return;
      const nextVisible = queue.messages.reduce((soonest, message) => Math.min(soonest, message.visibleAt), deadline);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(1, nextVisible - now));
        this.#waiters.add(wake);
      });
    }
  }

  /**
   * Deletes the message the handle was last received as. A handle of ours that is no longer the message's
   * latest, or whose message is gone, deletes nothing and is no error, as SQS documents.
   */
  delete(name: string, receiptHandle: string): void {
    const queue = this.#current(name);
    const message = latestReceived(queue, receiptHandle);
    if (message === undefined) return;
    queue.messages.splice(queue.messages.indexOf(message), 1);
    this.#writer.schedule();
  }

  /**
   * Hides the received message for `seconds` from now on (0: visible again at once), as SQS's
   * ChangeMessageVisibility does: only an in-flight message's latest handle may, a visible one answers
   * MessageNotInflight, a deleted one or an older handle InvalidParameterValue (Amazon SQS API Reference,
   * "ChangeMessageVisibility").
   */
  changeVisibility(name: string, receiptHandle: string, seconds: number): void {
    const message = latestReceived(this.#current(name), receiptHandle);
    if (message === undefined) {
      throw invalidParameterValue(
        `Value ${receiptHandle.slice(0, 200)} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      );
    }
    const now = this.#now();
    if (message.visibleAt <= now) {
      throw new AwsError(
        "MessageNotInflight",
        "The specified message isn't in flight.",
        400,
        "AWS.SimpleQueueService.MessageNotInflight",
      );
    }
    message.visibleAt = now + seconds * 1000;
    this.#writer.schedule();
  }

  purge(name: string): void {
    const queue = this.#queue(name);
    const now = this.#now();
    const last = this.#lastPurge.get(name);
    if (last !== undefined && now - last < SQS_LIMITS.purgeIntervalSeconds * 1000) {
      throw new AwsError(
        "PurgeQueueInProgress",
        `Only one PurgeQueue operation on ${name} is allowed every ${SQS_LIMITS.purgeIntervalSeconds} seconds.`,
        403,
        "AWS.SimpleQueueService.PurgeQueueInProgress",
      );
    }
    this.#lastPurge.set(name, now);
    queue.messages = [];
    this.#writer.schedule();
  }

  counts(name: string): QueueCounts {
    const queue = this.#current(name);
    const now = this.#now();
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of queue.messages) {
      if (message.visibleAt <= now) visible += 1;
      else if (message.receiptHandle === undefined) delayed += 1;
      else inFlight += 1;
    }
    return { visible, inFlight, delayed };
  }

  /** Ends every long poll now (shutdown). */
  close(): void {
    this.#closed = true;
    for (const wake of this.#waiters) wake();
  }

  flush(): Promise<void> {
    return this.#writer.flush();
  }

  #queue(name: string): StoredQueue {
    const queue = this.#queues.get(name);
    if (queue === undefined) throw queueDoesNotExist();
    return queue;
  }

  /** The queue without the messages its retention period has expired, as SQS deletes them. */
  #current(name: string): StoredQueue {
    const queue = this.#queue(name);
    const oldest = this.#now() - queue.settings.retentionSeconds * 1000;
    if (queue.messages.some((message) => message.sentTimestamp <= oldest)) {
      queue.messages = queue.messages.filter((message) => message.sentTimestamp > oldest);
      this.#writer.schedule();
    }
    return queue;
  }

  #trim(queue: StoredQueue): void {
    let bytes = queue.messages.reduce((sum, message) => sum + Buffer.byteLength(message.body, "utf8"), 0);
    while (queue.messages.length > this.#maxMessages || bytes > this.#maxBytes) {
      const dropped = queue.messages.shift();
      if (dropped === undefined) return;
      bytes -= Buffer.byteLength(dropped.body, "utf8");
      console.error(
        `SQS queue ${queue.name} is full (${this.#maxMessages} messages or ${this.#maxBytes} bytes kept locally): dropped its oldest message ${dropped.messageId}`,
      );
    }
  }
}

/** The message `receiptHandle` was last received as, if it is still in `queue`. */
function latestReceived(queue: StoredQueue, receiptHandle: string): QueueMessage | undefined {
  const messageId = parseReceiptHandle(receiptHandle);
  return queue.messages.find((message) => message.messageId === messageId && message.receiptHandle === receiptHandle);
}

/** The message id in one of our receipt handles; anything else is ReceiptHandleIsInvalid. */
function parseReceiptHandle(receiptHandle: string): string {
  const decoded = Buffer.from(receiptHandle, "base64url").toString("utf8");
  const match = RECEIPT_HANDLE.exec(decoded);
  if (match?.[1] === undefined || Buffer.from(decoded).toString("base64url") !== receiptHandle) {
    throw receiptHandleIsInvalid(receiptHandle);
  }
  return match[1];
}

function receiptHandleIsInvalid(receiptHandle: string): AwsError {
  return new AwsError(
    "ReceiptHandleIsInvalid",
    `The input receipt handle "${receiptHandle.slice(0, 200)}" is not a valid receipt handle.`,
    404,
    "ReceiptHandleIsInvalid",
  );
}

function md5Hex(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}
