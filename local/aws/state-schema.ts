/** Every state file is checked against a schema on load: a file of the wrong shape is named, never half-read. */
import { z } from "zod";
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

/**
 * An object of `value`s read into a Map, every own key kept: zod's `z.record` skips a `__proto__` key,
 * and `__proto__` is a valid thing or shadow name. Issues name the key, as `z.record`'s do.
 */
export function ownRecord<T>(value: z.ZodType<T>): z.ZodType<Map<string, T>> {
  return z
    .custom<Record<string, unknown>>(
      (input) => typeof input === "object" && input !== null && !Array.isArray(input),
      "expected an object",
    )
    .transform((input, context) => {
      const entries = new Map<string, T>();
      for (const [key, member] of Object.entries(input)) {
        const parsed = value.safeParse(member);
        if (!parsed.success) {
          for (const { message, path } of parsed.error.issues) {
            context.issues.push({ code: "custom", message, input: member, path: [key, ...path] });
          }
          return z.NEVER;
        }
        entries.set(key, parsed.data);
      }
      return entries;
    });
}
