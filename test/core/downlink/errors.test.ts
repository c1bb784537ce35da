import { describe, expect, it } from "vitest";
import {
  DOWNLINK_ERROR_CODES,
  DOWNLINK_ERRORS,
  DOWNLINK_REQUEST_ERROR_CODES,
  type DownlinkErrorInfo,
  DownlinkRequestError,
} from "../../../functions/core/downlink/errors.ts";
import { GRPC_CODE_NAMES } from "../../docs/downlink-errors-table.ts";

describe("DOWNLINK_ERRORS", () => {
  it("lists the validation codes in the order of the checks", () => {
    expect(DOWNLINK_REQUEST_ERROR_CODES).toEqual([
      "request_too_large",
      "invalid_json",
      "invalid_request",
      "unknown_field",
      "missing_thing_name",
      "invalid_thing_name",
      "missing_payload",
      "ambiguous_payload",
      "invalid_bytes",
      "empty_bytes",
      "bytes_too_long",
      "invalid_payload",
      "payload_too_large",
      "invalid_f_port",
      "invalid_confirmed",
      "invalid_high_priority",
      "invalid_replace",
      "invalid_correlation_id",
    ]);
  });

  it("has the failures after validation", () => {
    expect(DOWNLINK_ERROR_CODES.filter((code) => DOWNLINK_ERRORS[code].kind !== "validation").sort()).toEqual([
      "internal_error",
      "thing_not_found",
      "tts_api_key_missing",
      "tts_device_not_found",
      "tts_outcome_unknown",
      "tts_rejected",
      "tts_unauthorized",
      "tts_unavailable",
    ]);
  });

  it.each(DOWNLINK_ERROR_CODES)("%s is snake_case, described, with a gRPC code", (code) => {
    const info: DownlinkErrorInfo = DOWNLINK_ERRORS[code];
    expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(info.description.length).toBeGreaterThan(10);
    expect(GRPC_CODE_NAMES[info.grpcCode]).toBeDefined();
    if (info.kind === "validation") expect(info.grpcCode).toBe(3);
  });

  it("maps the non-validation failures to their gRPC codes, and retries only TTS's availability", () => {
    const codes = Object.fromEntries(DOWNLINK_ERROR_CODES.map((code) => [code, DOWNLINK_ERRORS[code].grpcCode]));
    expect(codes).toMatchObject({
      thing_not_found: 5,
      tts_device_not_found: 5,
      tts_unauthorized: 16,
      tts_rejected: 3,
      tts_unavailable: 14,
      tts_outcome_unknown: 2,
      tts_api_key_missing: 9,
      internal_error: 13,
    });
    expect(DOWNLINK_ERROR_CODES.filter((code) => DOWNLINK_ERRORS[code].retryable)).toEqual([
      "tts_unavailable",
      "tts_outcome_unknown",
    ]);
  });
});

describe("DownlinkRequestError", () => {
  it("has a stable name, whatever a minifier does to the class", () => {
    const error = new DownlinkRequestError("invalid_f_port", "fPort must be…", { field: "fPort", thingName: "T" });
    expect(error.name).toBe("InvalidDownlinkRequest");
    expect(error.code).toBe("invalid_f_port");
    expect(error.attributes).toEqual({ field: "fPort" });
    expect(error.downlink).toEqual({});
    expect(String(error)).toBe("InvalidDownlinkRequest: fPort must be…");
  });
});
