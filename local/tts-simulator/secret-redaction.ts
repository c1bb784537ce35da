/**
 * What of a request body must never be kept: key values (`root_keys.app_key.key`, session keys — TTS
 * names every AES key's value `key`) and the pub/sub providers' secrets. The request recorder keeps
 * bodies for tests to read, and tests search everything for key values.
 */
import { isObject } from "./field-mask.ts";

const SECRET_FIELDS = new Set(["key", "secret_access_key", "session_token", "password", "tls_client_key"]);
export const REDACTED = "(redacted)";

/** A copy with every secret field's value replaced by `(redacted)`. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (!isObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [field, inner] of Object.entries(value)) {
    Object.defineProperty(copy, field, {
      value: SECRET_FIELDS.has(field) && inner !== undefined && inner !== null ? REDACTED : redactSecrets(inner),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}
