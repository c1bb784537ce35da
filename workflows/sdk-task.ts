/** Direct AWS SDK integrations (`arn:aws:states:::aws-sdk:<service>:<action>`): no Lambda in between. */
import type { Catcher, PayloadTemplate, TaskState } from "./asl.ts";

export const AWS_SDK_PREFIX = "arn:aws:states:::aws-sdk:";

export function sdkTask(options: {
  readonly service: string;
  readonly action: string;
  /** PascalCase, as SDK integrations take them. */
  readonly parameters: PayloadTemplate;
  readonly retryOn: string[];
  readonly resultPath: string;
  readonly catch: Catcher[];
  readonly next: string;
}): TaskState {
  return {
    Type: "Task",
    Resource: `${AWS_SDK_PREFIX}${options.service}:${options.action}`,
    Parameters: options.parameters,
    ResultPath: options.resultPath,
    TimeoutSeconds: 30,
    Retry: [{ ErrorEquals: options.retryOn, IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3, MaxDelaySeconds: 8, JitterStrategy: "FULL" }],
    Catch: options.catch,
    Next: options.next,
  };
}
