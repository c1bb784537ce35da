/** Which AWS SDK failures are worth retrying later (by the workflow's Retry, after the SDK's own retries). */

const TRANSIENT_ERROR_NAMES = new Set([
  "ThrottlingException",
  "TooManyRequestsException",
  "ServiceUnavailableException",
  "InternalFailureException",
  "InternalServerException",
  "InternalException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
]);

const NETWORK_ERROR_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENOTFOUND"]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function isTransientAwsError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, code, $fault, $retryable, $metadata } = error as SdkErrorShape;
  const status = typeof $metadata?.httpStatusCode === "number" ? $metadata.httpStatusCode : undefined;
  return (
    $retryable !== undefined ||
    $fault === "server" ||
    (status !== undefined && (status >= 500 || status === 429)) ||
    (typeof name === "string" && TRANSIENT_ERROR_NAMES.has(name)) ||
    (typeof code === "string" && NETWORK_ERROR_CODES.has(code))
  );
}
