/** Every state file is checked against a schema on load: a file of the wrong shape is named, never half-read. */
import type { z } from "zod";
import { CorruptStateFileError } from "./errors.ts";

/**
 * @param where where in the file `value` came from (`line 3`), for the message.
 * @throws CorruptStateFileError naming the file and the first field that does not fit.
 */
export function validateState<T>(file: string, schema: z.ZodType<T>, value: unknown, where?: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue === undefined || issue.path.length === 0 ? "the top level" : issue.path.join(".");
  const reason = `${where === undefined ? "" : `${where}: `}unexpected shape at ${path}: ${issue?.message ?? "invalid"}`;
  throw new CorruptStateFileError(file, reason);
}
