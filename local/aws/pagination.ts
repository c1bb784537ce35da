/** Offset pagination behind opaque tokens, as the List* operations use it. */
import { AwsError } from "./errors.ts";

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/** @param invalidTokenCode what the service answers to a token it did not issue. */
export function paginate<T>(
  items: readonly T[],
  maxResults: number,
  nextToken: string | undefined,
  invalidTokenCode = "InvalidRequestException",
): Page<T> {
  const start = nextToken === undefined ? 0 : decodeOffset(nextToken, invalidTokenCode);
  const end = start + maxResults;
  const page = items.slice(start, end);
  return end < items.length ? { items: page, nextToken: encodeOffset(end) } : { items: page };
}

function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString("base64url");
}

function decodeOffset(token: string, invalidTokenCode: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { offset?: unknown };
    if (typeof offset === "number" && Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // Reported below, like any other token we did not issue.
  }
  throw new AwsError(invalidTokenCode, `Invalid pagination token: ${token}`);
}
