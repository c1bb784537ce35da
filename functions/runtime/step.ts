/**
 * A workflow step as a Lambda: a middy shell that validates the typed input, runs one function and
 * names retryable AWS failures. Each function module is then only its business logic.
 */
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import type * as z from "../core/zod.ts";
import { transientAwsErrors } from "./middleware/transient-aws-errors.ts";
import { validateInput } from "./middleware/validate-input.ts";

export type StepHandler<Input, Output> = (event: Input, context?: Context) => Promise<Output>;

export function step<S extends z.ZodMiniType, Output>(
  inputSchema: S,
  run: (input: z.output<S>) => Promise<Output>,
): StepHandler<z.input<S>, Output> {
  const handler = middy<z.output<S>, Output>()
    .use(validateInput(inputSchema))
    .use(transientAwsErrors())
    .handler((input) => run(input));
  // Local callers (tests, the offline runtime) have no Lambda context; middy needs an object.
  return (event, context) => handler(event as z.output<S>, context ?? ({} as Context));
}
