/**
 * How TTS (Go protojson) renders scalars: timestamps and durations with 0, 3, 6 or 9 fractional
 * digits, and zero values left out of the JSON altogether.
 */

const NANOS_PER_SECOND = 1_000_000_000n;

/** Nanoseconds since the Unix epoch; a bigint because milliseconds × 10⁶ overflow a double's precision. */
export type EpochNanos = bigint;

export function epochNanosOf(date: Date, extraNanos = 0): EpochNanos {
  return BigInt(date.getTime()) * 1_000_000n + BigInt(Math.round(extraNanos));
}

export function epochMsOf(instant: EpochNanos): number {
  return Number(instant / 1_000_000n);
}

function fraction(nanos: number): string {
  if (nanos === 0) return "";
  const digits = String(nanos).padStart(9, "0");
  if (nanos % 1_000_000 === 0) return `.${digits.slice(0, 3)}`;
  if (nanos % 1_000 === 0) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

/** google.protobuf.Timestamp in JSON: `2020-02-12T15:15:46.014773143Z`, `2020-02-12T15:15:45.787Z`. */
export function formatTimestamp(instant: EpochNanos): string {
  const seconds = instant / NANOS_PER_SECOND;
  const nanos = Number(instant % NANOS_PER_SECOND);
  const wholeSeconds = new Date(Number(seconds) * 1000).toISOString().replace(/\.000Z$/, "");
  return `${wholeSeconds}${fraction(nanos)}Z`;
}

/** google.protobuf.Duration in JSON: `0.061696s`, `1s`. */
export function formatDuration(nanoseconds: number): string {
  if (!Number.isInteger(nanoseconds) || nanoseconds < 0) {
    throw new RangeError(`a duration is a non-negative whole number of nanoseconds, got ${nanoseconds}`);
  }
  const seconds = Math.floor(nanoseconds / 1e9);
  return `${seconds}${fraction(nanoseconds % 1e9)}s`;
}

/** Map and Struct fields keep their zero values in protojson; only message fields drop them. */
const OPAQUE_FIELDS = new Set(["decoded_payload", "attributes"]);

function isZeroValue(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === 0 ||
    value === "" ||
    value === false ||
    (Array.isArray(value) && value.length === 0)
  );
}

/** Drops zero-valued fields the way TTS does (`f_cnt: 0` is absent), leaving payload-like maps intact. */
export function omitZeroValues<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => omitZeroValues(item)) as T;
  if (typeof value !== "object" || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (isZeroValue(field)) continue;
    result[key] = OPAQUE_FIELDS.has(key) ? field : omitZeroValues(field);
  }
  return result as T;
}
