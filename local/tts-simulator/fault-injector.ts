/**
 * Faults a test (or `/simulator/faults`) switches on to see how a client of the TTS API copes; the
 * kinds are described in fault-spec.ts. Counted faults apply to that many upcoming matching requests
 * (or confirmed downlinks), in the order they were asked for. One request can take one fault of each
 * stage: a delay before processing, a slow answer, and one answer fault (error before or after
 * processing, or reset), since a request has one answer.
 */
import {
  type Fault,
  type FaultInput,
  type FaultKind,
  InvalidFaultError,
  parseFault,
  type RefusalStatus,
} from "./fault-spec.ts";
import type { TtsRight } from "./rights.ts";
import type { RouteName } from "./tts-api-routes.ts";

export { InvalidFaultError, type RefusalStatus };

export interface ErrorAnswer {
  readonly status: RefusalStatus;
  readonly retryAfterSeconds?: number;
}

/** What happens to one request, in this order: wait, refuse or process, then answer (late, wrong) or drop. */
export interface RequestFault {
  readonly delayMs?: number;
  readonly refusal?: ErrorAnswer;
  readonly errorAfterProcessing?: ErrorAnswer;
  readonly reset?: { readonly processed: boolean };
  readonly answerDelayMs?: number;
}

type LastingFault = Extract<Fault, { kind: "rejectKey" | "withholdRights" }>;
type CountedFault = Exclude<Fault, LastingFault>;
/** A counted fault with what is left of its count; `rejectKey` and `withholdRights` last until cleared. */
export type PendingFault = (CountedFault & { readonly remaining: number }) | LastingFault;

const ANSWER_KINDS = ["errorBeforeProcessing", "errorAfterProcessing", "reset"] as const;
const REQUEST_KINDS: readonly FaultKind[] = ["delay", ...ANSWER_KINDS, "slowAnswer"];

export class FaultInjector {
  private pendingFaults: Array<{ readonly fault: CountedFault; remaining: number }> = [];
  private keysRejected = false;
  private readonly rightsWithheld = new Set<TtsRight>();

  /** Adds a fault after those already pending; returns it as stored (`count` filled in). */
  inject(input: FaultInput): Fault {
    const fault = parseFault(input);
    if (fault.kind === "rejectKey") this.keysRejected = true;
    else if (fault.kind === "withholdRights") for (const right of fault.rights) this.rightsWithheld.add(right);
    else this.pendingFaults.push({ fault, remaining: fault.count });
    return fault;
  }

  /** Pending faults in the order asked, then `withholdRights` (all rights withheld, in one) and `rejectKey`. */
  pending(): PendingFault[] {
    const counted: PendingFault[] = this.pendingFaults.map(({ fault, remaining }) => ({ ...fault, remaining }));
    if (this.rightsWithheld.size > 0) counted.push({ kind: "withholdRights", rights: [...this.rightsWithheld] });
    return this.keysRejected ? [...counted, { kind: "rejectKey" }] : counted;
  }

  /** The API keys lose these rights until `reset()`: a key that lacks a right the deployment needs. */
  withholdRights(rights: readonly TtsRight[]): void {
    this.inject({ kind: "withholdRights", rights: [...rights] });
  }

  /** Rights no key holds now. */
  get withheldRights(): ReadonlySet<TtsRight> {
    return this.rightsWithheld;
  }

  /** The next `count` requests are answered with `status` (and `Retry-After` when given), nothing done. */
  refuseNext(count: number, status: RefusalStatus, retryAfterSeconds?: number): void {
    this.inject({
      kind: "errorBeforeProcessing",
      count,
      status,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }

  /** The next `count` requests wait `ms` milliseconds before being processed (to test client timeouts). */
  delayNext(count: number, ms: number): void {
    this.inject({ kind: "delay", count, delayMs: ms });
  }

  /** Every API key is refused with 401 until `acceptKey()` (a revoked key). */
  rejectKey(): void {
    this.inject({ kind: "rejectKey" });
  }

  acceptKey(): void {
    this.keysRejected = false;
  }

  get rejectingKeys(): boolean {
    return this.keysRejected;
  }

  /** The next `count` confirmed downlinks are not acknowledged by the device: `downlink_nack`. */
  nackNext(count = 1): void {
    this.inject({ kind: "nack", count });
  }

  reset(): void {
    this.pendingFaults = [];
    this.keysRejected = false;
    this.rightsWithheld.clear();
  }

  /**
   * Called once per incoming TTS API request with its route's name (none for an unknown route):
   * consumes at most one fault of each stage among those for any action or for this one.
   */
  takeRequestFault(action?: RouteName): RequestFault {
    const delay = this.take(["delay"], action);
    const answer = this.take(ANSWER_KINDS, action);
    const slowAnswer = this.take(["slowAnswer"], action);
    return {
      ...(delay === undefined ? {} : { delayMs: delay.delayMs }),
      ...(answer?.kind === "errorBeforeProcessing" ? { refusal: errorAnswer(answer) } : {}),
      ...(answer?.kind === "errorAfterProcessing" ? { errorAfterProcessing: errorAnswer(answer) } : {}),
      ...(answer?.kind === "reset" ? { reset: { processed: answer.processed } } : {}),
      ...(slowAnswer === undefined ? {} : { answerDelayMs: slowAnswer.delayMs }),
    };
  }

  /** Whether `takeRequestFault(action)` would find a fault now (nothing is consumed). */
  hasRequestFault(action?: RouteName): boolean {
    return this.pendingFaults.some(({ fault }) => REQUEST_KINDS.includes(fault.kind) && appliesTo(fault, action));
  }

  /** Called once per confirmed downlink awaiting its acknowledgement: true → nack. */
  takeNack(): boolean {
    return this.take(["nack"], undefined) !== undefined;
  }

  private take<K extends CountedFault["kind"]>(
    kinds: readonly K[],
    action: RouteName | undefined,
  ): Extract<CountedFault, { kind: K }> | undefined {
    const index = this.pendingFaults.findIndex(
      ({ fault }) => (kinds as readonly string[]).includes(fault.kind) && appliesTo(fault, action),
    );
    const entry = this.pendingFaults[index];
    if (entry === undefined) return undefined;
    entry.remaining--;
    if (entry.remaining === 0) this.pendingFaults.splice(index, 1);
    return entry.fault as Extract<CountedFault, { kind: K }>;
  }
}

function appliesTo(fault: CountedFault, action: RouteName | undefined): boolean {
  return !("action" in fault) || fault.action === undefined || fault.action === action;
}

/** The kinds of fault a request took, for the record of what TTS saw. */
export function requestFaultKinds(fault: RequestFault): FaultKind[] {
  return [
    ...(fault.delayMs === undefined ? [] : (["delay"] as const)),
    ...(fault.refusal === undefined ? [] : (["errorBeforeProcessing"] as const)),
    ...(fault.errorAfterProcessing === undefined ? [] : (["errorAfterProcessing"] as const)),
    ...(fault.reset === undefined ? [] : (["reset"] as const)),
    ...(fault.answerDelayMs === undefined ? [] : (["slowAnswer"] as const)),
  ];
}

function errorAnswer(fault: { readonly status: RefusalStatus; readonly retryAfterSeconds?: number | undefined }) {
  return fault.retryAfterSeconds === undefined
    ? { status: fault.status }
    : { status: fault.status, retryAfterSeconds: fault.retryAfterSeconds };
}
