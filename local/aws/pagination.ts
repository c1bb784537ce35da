/** Offset pagination behind opaque tokens, as the List* operations use it. */
import { AwsError } from "./errors.ts";

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/** A page's size limit besides its count (CloudWatch Logs answers at most 1 MB of events). */
export interface PageBudget<T> {
  readonly sizeOf: (item: T) => number;
  readonly maxSize: number;
}

/**
 * @param invalidTokenCode what the service answers to a token it did not issue.
 * @param budget when given, a page also ends before the item that would take it over `maxSize`
 *   (a page always holds at least one item).
 */
export function paginate<T>(
  items: readonly T[],
  maxResults: number,
  nextToken: string | undefined,
  invalidTokenCode = "InvalidRequestException",
  budget?: PageBudget<T>,
): Page<T> {
  const start = nextToken === undefined ? 0 : decodeOffset(nextToken, invalidTokenCode);
  let end = Math.min(start + maxResults, items.length);
  if (budget !== undefined) {
    let size = 0;
    for (let index = start; index < end; index++) {
      size += budget.sizeOf(items[index] as T);
      if (size > budget.maxSize && index > start) {
        end = index;
        break;
      }
    }
  }
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
