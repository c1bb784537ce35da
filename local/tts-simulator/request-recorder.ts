/**
 * What the simulated TTS API saw, for tests and benchmarks to count: the newest requests, bounded by
 * count and by body bytes (oldest dropped first), so a flood of large posts cannot fill memory. Each
 * request carries a sequence number that never repeats; a caller notes `count` before acting and asks
 * for what came `since`, and is told when some of that was already dropped instead of getting less.
 */
import { InvalidSimulatorOptionsError } from "./errors.ts";
import type { FaultKind } from "./fault-spec.ts";
import { redactSecrets } from "./secret-redaction.ts";

export interface RecordedRequest {
  /** 0 for the first request the server saw, then 1, 2, …: the position among all requests, dropped ones included. */
  readonly seq: number;
  readonly method: string;
  /** Path and query string, as sent. */
  readonly path: string;
  readonly hasAuthorization: boolean;
  /**
   * Parsed JSON with secrets redacted (key values, see secret-redaction.ts); the raw text when it is
   * not JSON; undefined when empty or not read (refused before).
   */
  readonly body: unknown;
  /** undefined while the request is still being answered (e.g. delayed), or when it never is (a reset, a client gone). */
  readonly status: number | undefined;
  /** The injected faults this request took, if any. */
  readonly faults: readonly FaultKind[];
  readonly receivedAt: Date;
}

export interface RecorderLimits {
  /** Requests kept. */
  readonly maxRequests: number;
  /** Bytes of request bodies kept, as received. */
  readonly maxBodyBytes: number;
}

/** Enough for any test or benchmark run to look back on; 16 MiB holds sixteen of the largest bodies the API takes. */
export const DEFAULT_RECORDER_LIMITS: RecorderLimits = { maxRequests: 1_000, maxBodyBytes: 16 * 1024 * 1024 };

export type MutableRecord = { -readonly [K in keyof RecordedRequest]: RecordedRequest[K] };

export class RecordedRequestsDroppedError extends Error {
  override readonly name = "RecordedRequestsDroppedError";

  constructor(since: number, oldestKept: number, limits: RecorderLimits) {
    super(
      `requests since #${since} are no longer all recorded: the oldest kept is #${oldestKept} ` +
        `(the TTS API keeps ${limits.maxRequests} requests and ${limits.maxBodyBytes} bytes of bodies)`,
    );
  }
}

export class RequestRecorder {
  readonly limits: RecorderLimits;
  private readonly kept: Array<{ readonly record: MutableRecord; bodyBytes: number }> = [];
  private nextSeq = 0;
  private keptBodyBytes = 0;

  constructor(limits: RecorderLimits = DEFAULT_RECORDER_LIMITS) {
    if (!(Number.isInteger(limits.maxRequests) && limits.maxRequests >= 1 && limits.maxBodyBytes >= 0))
      throw new InvalidSimulatorOptionsError(
        `recorded requests: maxRequests must be a whole number ≥ 1 and maxBodyBytes ≥ 0, got ${JSON.stringify(limits)}`,
      );
    this.limits = limits;
  }

  /** Requests seen so far, dropped ones included: the `seq` the next one gets. */
  get count(): number {
    return this.nextSeq;
  }

  /** Bytes of the bodies kept now. */
  get bodyBytes(): number {
    return this.keptBodyBytes;
  }

  /** Records a request as it arrives; fill in its body, status and faults on the returned record as they are known. */
  start(init: Omit<RecordedRequest, "seq" | "body" | "status" | "faults">): MutableRecord {
    const record: MutableRecord = { seq: this.nextSeq++, ...init, body: undefined, status: undefined, faults: [] };
    this.kept.push({ record, bodyBytes: 0 });
    this.dropOldest();
    return record;
  }

  /** Sets the body of a recorded request and counts its bytes against the bound. */
  setBody(record: MutableRecord, text: string): void {
    record.body = bodyForRecord(text);
    const entry = this.kept.find((kept) => kept.record === record);
    if (entry === undefined) return;
    entry.bodyBytes = Buffer.byteLength(text);
    this.keptBodyBytes += entry.bodyBytes;
    this.dropOldest();
  }

  /** Copies of the requests from `since` on; throws `RecordedRequestsDroppedError` if some of them were dropped. */
  since(since = 0): RecordedRequest[] {
    const oldestKept = this.kept[0]?.record.seq ?? this.nextSeq;
    if (since < oldestKept) throw new RecordedRequestsDroppedError(since, oldestKept, this.limits);
    return this.kept.filter(({ record }) => record.seq >= since).map(({ record }) => ({ ...record }));
  }

  private dropOldest(): void {
    // The newest request stays even alone over the byte bound: the API refuses bodies larger than the bound anyway.
    while (
      this.kept.length > 1 &&
      (this.kept.length > this.limits.maxRequests || this.keptBodyBytes > this.limits.maxBodyBytes)
    ) {
      this.keptBodyBytes -= this.kept.shift()!.bodyBytes;
    }
  }
}

function bodyForRecord(text: string): unknown {
  if (text === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  return redactSecrets(parsed);
}
