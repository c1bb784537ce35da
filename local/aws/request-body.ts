/** Parses and validates JSON request bodies, turning every failure into a 400 the SDK can read. */
import { z } from "zod";
import { AwsError } from "./errors.ts";

export function parseJsonBody<T>(body: Buffer, schema: z.ZodType<T>, errorCode: string): T {
  let json: unknown;
  try {
    json = body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new AwsError(errorCode, `Malformed request body: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new AwsError(errorCode, `Invalid request body: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
