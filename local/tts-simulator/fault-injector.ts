/**
 * Faults a test switches on to see how a client of the TTS API copes: refusals (429/503, optionally
 * with Retry-After), slow answers, rejected API keys, and confirmed downlinks the device does not
 * acknowledge. Each counted fault applies to that many upcoming requests (or confirmed downlinks), in
 * the order they were asked for.
 */

export type RefusalStatus = 429 | 503;

export interface Refusal {
  readonly status: RefusalStatus;
  readonly retryAfterSeconds?: number;
}

/** What happens to one request: wait first (if delayed), then answer normally or refuse. */
export interface RequestFault {
  readonly delayMs?: number;
  readonly refusal?: Refusal;
}

export class InvalidFaultError extends Error {
  override readonly name = "InvalidFaultError";
}

export class FaultInjector {
  private refusals: Array<{ remaining: number; refusal: Refusal }> = [];
  private delays: Array<{ remaining: number; ms: number }> = [];
  private nacks = 0;
  private keysRejected = false;

  /** The next `count` requests are answered with `status` (and `Retry-After` when given), nothing done. */
  refuseNext(count: number, status: RefusalStatus, retryAfterSeconds?: number): void {
    requireCount(count);
    if (status !== 429 && status !== 503) throw new InvalidFaultError(`a refusal is 429 or 503, got ${String(status)}`);
    if (retryAfterSeconds !== undefined && !(Number.isInteger(retryAfterSeconds) && retryAfterSeconds >= 0)) {
      throw new InvalidFaultError(`Retry-After is a whole number of seconds ≥ 0, got ${retryAfterSeconds}`);
    }
    this.refusals.push({
      remaining: count,
      refusal: retryAfterSeconds === undefined ? { status } : { status, retryAfterSeconds },
    });
  }

  /** The next `count` requests are answered only after `ms` milliseconds (to test client timeouts). */
  delayNext(count: number, ms: number): void {
    requireCount(count);
    if (!(Number.isFinite(ms) && ms >= 0)) throw new InvalidFaultError(`a delay is ≥ 0 ms, got ${ms}`);
    this.delays.push({ remaining: count, ms });
  }

  /** Every API key is refused with 401 until `acceptKey()` (a revoked key). */
  rejectKey(): void {
    this.keysRejected = true;
  }

  acceptKey(): void {
    this.keysRejected = false;
  }

  get rejectingKeys(): boolean {
    return this.keysRejected;
  }

  /** The next `count` confirmed downlinks are not acknowledged by the device: `downlink_nack`. */
  nackNext(count = 1): void {
    requireCount(count);
    this.nacks += count;
  }

  reset(): void {
    this.refusals = [];
    this.delays = [];
    this.nacks = 0;
    this.keysRejected = false;
  }

  /** Called once per incoming request: consumes at most one delay and one refusal. */
  takeRequestFault(): RequestFault {
    const delay = take(this.delays);
    const refusal = take(this.refusals);
    return {
      ...(delay === undefined ? {} : { delayMs: delay.ms }),
      ...(refusal === undefined ? {} : { refusal: refusal.refusal }),
    };
  }

  /** Called once per confirmed downlink awaiting its acknowledgement: true → nack. */
  takeNack(): boolean {
    if (this.nacks === 0) return false;
    this.nacks--;
    return true;
  }
}

function requireCount(count: number): void {
  if (!(Number.isInteger(count) && count >= 1))
    throw new InvalidFaultError(`a fault count is a whole number ≥ 1, got ${count}`);
}

function take<T extends { remaining: number }>(entries: T[]): T | undefined {
  const head = entries[0];
  if (head === undefined) return undefined;
  head.remaining--;
  if (head.remaining === 0) entries.shift();
  return head;
}
