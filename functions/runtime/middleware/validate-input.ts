import type { MiddlewareObj } from "@middy/core";
import { InvalidStepInputError } from "../../core/errors.ts";
import type * as z from "../../core/zod.ts";

/** Rejects a step input that does not match its schema, and hands the handler the parsed value. */
export function validateInput(schema: z.ZodMiniType): MiddlewareObj {
  return {
    name: "validateInput",
    before: (request) => {
      const result = schema.safeParse(request.event);
      if (!result.success) {
        const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(input)"} ${issue.message}`);
        throw new InvalidStepInputError(`invalid step input: ${problems.join("; ")}`);
      }
      request.event = result.data;
    },
  };
}
