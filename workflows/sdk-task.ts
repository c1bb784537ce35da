/** Direct AWS SDK integrations (`arn:aws:states:::aws-sdk:<service>:<action>`): no Lambda in between. */
import type { Catcher, PayloadTemplate, TaskState } from "./asl.ts";
import { TRANSIENT_RETRY } from "./lambda-task.ts";

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
    // The same backoff as Lambda tasks, on the service's own throttling and availability errors.
    Retry: [{ ...TRANSIENT_RETRY, ErrorEquals: options.retryOn }],
    Catch: options.catch,
    Next: options.next,
  };
}
