/** The one way our workflows call a Lambda: request-response `lambda:invoke` with the shared retry policy. */
import type { Catcher, PayloadTemplate, Retrier, TaskState } from "./asl.ts";

export const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";

/**
 * Failures worth another attempt: the Lambda service's own (throttling, cold-start hiccups) and the
 * `TransientAwsError` our functions raise for throttled or failing AWS calls. Anything else is final.
 */
export const TRANSIENT_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
  "Lambda.ClientExecutionTimeoutException",
  "Lambda.Unknown",
  "TransientAwsError",
];

/** Exponential backoff with full jitter, bounded well inside the Express 5-minute limit (≤ 1+2+4+8 s of waits). */
export const TRANSIENT_RETRY = {
  ErrorEquals: TRANSIENT_ERRORS,
  IntervalSeconds: 1,
  BackoffRate: 2,
  MaxAttempts: 4,
  MaxDelaySeconds: 8,
  JitterStrategy: "FULL",
} as const;

export interface LambdaTaskOptions {
  readonly functionArn: string;
  /** The Lambda's event, as a Parameters template (`"field.$": "$.path"`), or a path for the whole input. */
  readonly payload: PayloadTemplate | string;
  readonly resultSelector?: PayloadTemplate;
  readonly resultPath?: string | null;
  readonly outputPath?: string;
  readonly catch?: Catcher[];
  /** The Retry list; default: the transient failures only. */
  readonly retry?: readonly RetryPolicy[];
  readonly next?: string;
  readonly comment?: string;
}

export function lambdaTask(options: LambdaTaskOptions): TaskState {
  const payload: PayloadTemplate =
    typeof options.payload === "string" ? { "Payload.$": options.payload } : { Payload: options.payload };
  return {
    Type: "Task",
    ...(options.comment !== undefined ? { Comment: options.comment } : {}),
    Resource: LAMBDA_INVOKE,
    Parameters: { FunctionName: options.functionArn, ...payload },
    // Bounds a hung invocation; each function's own timeout is lower.
    TimeoutSeconds: 30,
    ...(options.resultSelector !== undefined ? { ResultSelector: options.resultSelector } : {}),
    ...(options.resultPath !== undefined ? { ResultPath: options.resultPath } : {}),
    ...(options.outputPath !== undefined ? { OutputPath: options.outputPath } : {}),
    Retry: (options.retry ?? [TRANSIENT_RETRY]).map(retrier),
    ...(options.catch !== undefined ? { Catch: options.catch } : {}),
    ...(options.next !== undefined ? { Next: options.next } : { End: true }),
  };
}

/** Any error not retried away goes to `next`, with the error (`{Error, Cause}`) kept at `resultPath`. */
export function catchAllTo(next: string, resultPath = "$.error"): Catcher[] {
  return [{ ErrorEquals: ["States.ALL"], ResultPath: resultPath, Next: next }];
}

/** A retry policy as the constants declare it (read-only, `as const`). */
export type RetryPolicy = Readonly<Omit<Retrier, "ErrorEquals">> & { readonly ErrorEquals: readonly string[] };

/** A policy as a Retrier of its own: every state gets its own copy, never a shared array. */
export function retrier(policy: RetryPolicy): Retrier {
  return { ...policy, ErrorEquals: [...policy.ErrorEquals] };
}
