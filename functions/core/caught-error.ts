/** What a Step Functions Catch puts at its ResultPath: the error name and the cause text. */
import * as z from "./zod.ts";

export const CaughtErrorSchema = z.object({ Error: z.string(), Cause: z.optional(z.string()) });

/** `{Error, Cause}`: the Cause a Lambda's JSON error or a service's text. */
export type CaughtError = Readonly<z.output<typeof CaughtErrorSchema>>;
