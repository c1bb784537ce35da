/** The `Cause` of a Step Functions error, as a person should read it. */

/** Lambda causes are `{"errorType","errorMessage"}` JSON; service integrations give plain text. */
export function causeMessage(cause: string | undefined): string {
  if (cause === undefined || cause === "") return "no details";
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === "string") return parsed.errorMessage;
  } catch {
    // plain text
  }
  return cause;
}
