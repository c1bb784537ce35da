import { describe, expect, it } from "vitest";
import { DOWNLINK_REQUEST_ERROR_CODES, DownlinkRequestError } from "../../../functions/core/downlink/errors.ts";
import type { DownlinkRequest } from "../../../functions/core/downlink/request.ts";
import {
  parseDownlinkRequest,
  parseDownlinkRequestValue,
  suggestField,
  VALIDATION_RULES,
} from "../../../functions/core/downlink/validation.ts";

const THING = "0004A30B001C0530";
const base = { thingName: THING, bytes: "AQ==" };
const bytesOf = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8");
const b64 = (length: number) => Buffer.alloc(length, 0xab).toString("base64");

function rejectionOf(payload: Uint8Array): DownlinkRequestError {
  try {
    parseDownlinkRequest(payload);
  } catch (error) {
    if (error instanceof DownlinkRequestError) return error;
    throw error;
  }
  throw new Error(`accepted: ${Buffer.from(payload).toString("utf8").slice(0, 200)}`);
}

/** [what, raw request (a string is sent as is), expected code, message fragment] */
type Case = [string, unknown, string, RegExp];
const raw = (text: string) => ({ raw: text });
const payloadOf = (request: unknown): Uint8Array =>
  typeof request === "object" && request !== null && "raw" in request
    ? Buffer.from((request as { raw: string }).raw, "utf8")
    : bytesOf(request);

const cases: Case[] = [
  [
    "9 KiB",
    { ...base, correlationId: "x".repeat(9000) },
    "request_too_large",
    /the request is 9\d{3} bytes; the limit is 8192/,
  ],
  [
    "8193 bytes",
    raw(JSON.stringify(base).padEnd(8193, " ")),
    "request_too_large",
    /the request is 8193 bytes; the limit is 8192/,
  ],
  ["not JSON", raw("thingName=x"), "invalid_json", /not UTF-8 JSON .*starting "thingName=x"/],
  ["truncated JSON", raw('{"thingName":'), "invalid_json", /not UTF-8 JSON/],
  ["an empty payload", raw(""), "invalid_json", /not UTF-8 JSON.*0 bytes/],
  ["an array", [base], "invalid_request", /must be a JSON object, got an array/],
  ["null", null, "invalid_request", /got null/],
  ["a string", "AQ==", "invalid_request", /got the string "AQ=="/],
  ["a number", 42, "invalid_request", /got the number 42/],
  ["fport (a typo)", { ...base, fport: 2 }, "unknown_field", /unknown field "fport" \(did you mean "fPort"\?\)/],
  ["f_port (TTS spelling)", { ...base, f_port: 2 }, "unknown_field", /"f_port" \(did you mean "fPort"\?\)/],
  ["byte", { thingName: THING, byte: "AQ==" }, "unknown_field", /"byte" \(did you mean "bytes"\?\)/],
  ["thingname", { thingname: THING, bytes: "AQ==" }, "unknown_field", /"thingname" \(did you mean "thingName"\?\)/],
  ["Confirmed", { ...base, Confirmed: true }, "unknown_field", /did you mean "confirmed"/],
  [
    "priority",
    { ...base, priority: "HIGH" },
    "unknown_field",
    /^unknown field "priority"; the fields are thingName, bytes/,
  ],
  [
    "__proto__",
    raw(`{"thingName":"${THING}","bytes":"AQ==","__proto__":{"fPort":3}}`),
    "unknown_field",
    /unknown field "__proto__"/,
  ],
  ["no thingName", { bytes: "AQ==" }, "missing_thing_name", /thingName is required/],
  [
    "an empty thingName",
    { ...base, thingName: "" },
    "invalid_thing_name",
    /thingName must be an AWS IoT thing name .*got the string ""/,
  ],
  ["a thingName with /", { ...base, thingName: "a/b" }, "invalid_thing_name", /got the string "a\/b"/],
  ["a thingName with +", { ...base, thingName: "a+b" }, "invalid_thing_name", /thingName/],
  ["a thingName with #", { ...base, thingName: "#" }, "invalid_thing_name", /thingName/],
  ["a thingName with a space", { ...base, thingName: "my thing" }, "invalid_thing_name", /thingName/],
  [
    "a thingName of 129 characters",
    { ...base, thingName: "a".repeat(129) },
    "invalid_thing_name",
    /got the string "a{40}…"/,
  ],
  ["a numeric thingName", { ...base, thingName: 123 }, "invalid_thing_name", /got the number 123/],
  ["a null thingName", { ...base, thingName: null }, "invalid_thing_name", /got null/],
  [
    "neither bytes nor payload",
    { thingName: THING, fPort: 2 },
    "missing_payload",
    /one of bytes .* or payload .* is required/,
  ],
  ["both bytes and payload", { ...base, payload: { a: 1 } }, "ambiguous_payload", /bytes and payload are both given/],
  ["bytes and a null payload", { ...base, payload: null }, "ambiguous_payload", /both given/],
  [
    "unpadded base64",
    { ...base, bytes: "AQ" },
    "invalid_bytes",
    /bytes must be canonical base64 .*got the string "AQ"/,
  ],
  ["half-padded base64", { ...base, bytes: "AQ=" }, "invalid_bytes", /canonical base64/],
  ["base64 with a newline", { ...base, bytes: "AQ==\n" }, "invalid_bytes", /canonical base64/],
  ["base64 with a leading space", { ...base, bytes: " AQ==" }, "invalid_bytes", /canonical base64/],
  ["base64 with stray bits", { ...base, bytes: "AR==" }, "invalid_bytes", /canonical base64/],
  ["padding in the middle", { ...base, bytes: "AQ==AQ==" }, "invalid_bytes", /canonical base64/],
  ["URL-safe base64", { ...base, bytes: "-_8=" }, "invalid_bytes", /canonical base64/],
  ["hex with separators", { ...base, bytes: "01:02:03" }, "invalid_bytes", /canonical base64/],
  ["bytes as a number", { ...base, bytes: 1 }, "invalid_bytes", /got the number 1/],
  ["bytes as an array of bytes", { ...base, bytes: [1, 2] }, "invalid_bytes", /got an array/],
  ["null bytes", { ...base, bytes: null }, "invalid_bytes", /got null/],
  ["empty bytes", { ...base, bytes: "" }, "empty_bytes", /bytes decodes to 0 bytes; a downlink carries 1 to 255/],
  ["256 bytes", { ...base, bytes: b64(256) }, "bytes_too_long", /bytes decodes to 256 bytes; the limit is 255/],
  ["1000 bytes", { ...base, bytes: b64(1000) }, "bytes_too_long", /1000 bytes; the limit is 255/],
  [
    "an array payload",
    { thingName: THING, payload: [1] },
    "invalid_payload",
    /payload must be a JSON object, got an array/,
  ],
  ["a null payload", { thingName: THING, payload: null }, "invalid_payload", /got null/],
  ["a string payload", { thingName: THING, payload: "{}" }, "invalid_payload", /got the string "\{\}"/],
  ["a numeric payload", { thingName: THING, payload: 7 }, "invalid_payload", /got the number 7/],
  [
    "a payload of 4097 bytes",
    { thingName: THING, payload: { s: "x".repeat(4089) } },
    "payload_too_large",
    /payload is 4097 bytes as JSON; the limit is 4096/,
  ],
  [
    "a payload of 4098 UTF-8 bytes in 2053 characters",
    { thingName: THING, payload: { s: "é".repeat(2045) } },
    "payload_too_large",
    /payload is 4098 bytes/,
  ],
  ["fPort 0", { ...base, fPort: 0 }, "invalid_f_port", /fPort must be an integer from 1 to 223 .*got the number 0/],
  [
    "fPort 224",
    { ...base, fPort: 224 },
    "invalid_f_port",
    /0 carries MAC commands, 224 is the LoRaWAN test protocol.*got the number 224/,
  ],
  ["fPort 255", { ...base, fPort: 255 }, "invalid_f_port", /got the number 255/],
  ["fPort -1", { ...base, fPort: -1 }, "invalid_f_port", /got the number -1/],
  ["fPort 1.5", { ...base, fPort: 1.5 }, "invalid_f_port", /got the number 1.5/],
  ['fPort "10"', { ...base, fPort: "10" }, "invalid_f_port", /got the string "10"/],
  ["fPort null", { ...base, fPort: null }, "invalid_f_port", /got null/],
  [
    'confirmed "true"',
    { ...base, confirmed: "true" },
    "invalid_confirmed",
    /confirmed must be true or false, got the string "true"/,
  ],
  ["confirmed 1", { ...base, confirmed: 1 }, "invalid_confirmed", /got the number 1/],
  ["confirmed null", { ...base, confirmed: null }, "invalid_confirmed", /got null/],
  [
    'highPriority "true"',
    { ...base, highPriority: "true" },
    "invalid_high_priority",
    /highPriority must be true or false, got the string "true"/,
  ],
  ["highPriority 0", { ...base, highPriority: 0 }, "invalid_high_priority", /got the number 0/],
  [
    'replace "yes"',
    { ...base, replace: "yes" },
    "invalid_replace",
    /replace must be true or false, got the string "yes"/,
  ],
  [
    "an empty correlationId",
    { ...base, correlationId: "" },
    "invalid_correlation_id",
    /correlationId must be a string of 1 to 100 printable ASCII characters, got the string ""/,
  ],
  [
    "a correlationId of 101 characters",
    { ...base, correlationId: "c".repeat(101) },
    "invalid_correlation_id",
    /correlationId/,
  ],
  ["a non-ASCII correlationId", { ...base, correlationId: "commande-é" }, "invalid_correlation_id", /correlationId/],
  ["a correlationId with a tab", { ...base, correlationId: "a\tb" }, "invalid_correlation_id", /correlationId/],
  ["a numeric correlationId", { ...base, correlationId: 42 }, "invalid_correlation_id", /got the number 42/],
];

describe("parseDownlinkRequest refuses", () => {
  it.each(cases)("%s", (_, request, code, message) => {
    const error = rejectionOf(payloadOf(request));
    expect(error.name).toBe("InvalidDownlinkRequest");
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it("with cases for every validation code", () => {
    const covered = new Set(cases.map(([, , code]) => code));
    expect(DOWNLINK_REQUEST_ERROR_CODES.filter((code) => !covered.has(code))).toEqual([]);
  });

  it("invalid UTF-8", () => {
    const error = rejectionOf(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(error.code).toBe("invalid_json");
    expect(error.message).toMatch(/4 bytes starting "\{\?\?\}"/);
  });

  it("names the field of a field error, and lists every unknown field", () => {
    expect(rejectionOf(bytesOf({ ...base, fPort: 0 })).field).toBe("fPort");
    expect(rejectionOf(bytesOf({ ...base, confirmed: "true" })).attributes).toEqual({ field: "confirmed" });
    const unknown = rejectionOf(bytesOf({ ...base, fport: 2, prio: 1 }));
    expect(unknown.field).toBe("fport");
    expect(unknown.attributes).toEqual({ field: "fport", suggestion: "fPort", unknown_fields: ["fport", "prio"] });
    expect(rejectionOf(bytesOf({ ...base, bytes: b64(300) })).attributes).toEqual({
      field: "bytes",
      length: 300,
      limit: 255,
    });
  });
});

describe("the order of the checks", () => {
  const firstCode = (request: unknown) => rejectionOf(bytesOf(request)).code;

  it("reports an unknown field before anything it may explain", () => {
    expect(firstCode({ thingname: THING, bytes: "AQ==" })).toBe("unknown_field");
    expect(firstCode({ thingName: THING, byte: "AQ==" })).toBe("unknown_field");
    expect(firstCode({ thingName: "a/b", bytes: "AQ", fport: 0 })).toBe("unknown_field");
  });

  it("then thingName, the content, fPort, confirmed, highPriority, replace, correlationId", () => {
    const worst = {
      thingName: "a/b",
      bytes: "AQ",
      fPort: 0,
      confirmed: "x",
      highPriority: "x",
      replace: "x",
      correlationId: "",
    };
    const expected = [
      "invalid_thing_name",
      "invalid_bytes",
      "invalid_f_port",
      "invalid_confirmed",
      "invalid_high_priority",
      "invalid_replace",
      "invalid_correlation_id",
    ];
    const fixes: Record<string, unknown>[] = [
      { thingName: THING },
      { bytes: "AQ==" },
      { fPort: 2 },
      { confirmed: true },
      { highPriority: true },
      { replace: true },
      { correlationId: "ok" },
    ];
    let request: Record<string, unknown> = worst;
    expected.forEach((code, index) => {
      expect(firstCode(request), `after ${index} fixes`).toBe(code);
      request = { ...request, ...fixes[index] };
    });
    expect(parseDownlinkRequestValue(request).thingName).toBe(THING);
  });

  it("checks presence of the content before its value", () => {
    expect(firstCode({ thingName: THING, bytes: "AQ", payload: [] })).toBe("ambiguous_payload");
    expect(firstCode({ thingName: THING, fPort: 0 })).toBe("missing_payload");
  });

  it("checks the size before parsing", () => {
    expect(rejectionOf(Buffer.from("x".repeat(9000))).code).toBe("request_too_large");
  });
});

describe("what a refused request still tells", () => {
  it("carries a valid thingName and correlationId whatever the error", () => {
    for (const request of [
      { ...base, fport: 1, correlationId: "order-42" },
      { thingName: THING, correlationId: "order-42" },
      { ...base, fPort: 0, correlationId: "order-42" },
      { ...base, correlationId: "order-42", padding: "x".repeat(9000) },
    ]) {
      const error = rejectionOf(bytesOf(request));
      expect(error.thingName, error.code).toBe(THING);
      expect(error.correlationId, error.code).toBe("order-42");
    }
  });

  it("carries no thingName when it is invalid or absent, and none for non-objects", () => {
    expect(rejectionOf(bytesOf({ ...base, thingName: "a/b" })).thingName).toBeUndefined();
    expect(rejectionOf(bytesOf({ bytes: "AQ==" })).thingName).toBeUndefined();
    expect(rejectionOf(bytesOf({ ...base, fPort: 0, correlationId: "" })).correlationId).toBeUndefined();
    expect(rejectionOf(bytesOf([base])).thingName).toBeUndefined();
    expect(rejectionOf(Buffer.from("x".repeat(9000))).thingName).toBeUndefined();
  });

  it("carries the valid part of the downlink, with defaults for absent fields", () => {
    expect(rejectionOf(bytesOf({ ...base, fPort: 0, confirmed: true, highPriority: true })).downlink).toStrictEqual({
      frm_payload: "AQ==",
      confirmed: true,
      priority: "HIGH",
    });
    expect(rejectionOf(bytesOf({ thingName: "a/b", payload: { a: 1 }, highPriority: "x" })).downlink).toStrictEqual({
      f_port: 1,
      decoded_payload: { a: 1 },
    });
    expect(rejectionOf(bytesOf({ ...base, bytes: "AQ", fPort: 7 })).downlink).toStrictEqual({
      f_port: 7,
      priority: "NORMAL",
    });
  });

  it("as plain data with toJSON", () => {
    const error = rejectionOf(bytesOf({ ...base, fPort: 224, correlationId: "c1" }));
    expect(JSON.parse(JSON.stringify(error))).toStrictEqual({
      name: "InvalidDownlinkRequest",
      code: "invalid_f_port",
      message: error.message,
      field: "fPort",
      thingName: THING,
      correlationId: "c1",
      attributes: { field: "fPort", min: 1, max: 223 },
      downlink: { frm_payload: "AQ==", priority: "NORMAL" },
    });
  });
});

describe("parseDownlinkRequest accepts", () => {
  it("the minimal request, with the defaults", () => {
    expect(parseDownlinkRequest(bytesOf(base))).toStrictEqual({
      thingName: THING,
      content: { kind: "bytes", frmPayload: "AQ==" },
      fPort: 1,
      confirmed: false,
      priority: "NORMAL",
      replace: false,
    } satisfies DownlinkRequest);
  });

  it("the documented example", () => {
    const request = parseDownlinkRequest(
      Buffer.from('{"thingName":"0004A30B001C0530","bytes":"AQ==","fPort":10,"confirmed":true,"highPriority":true}'),
    );
    expect(request).toStrictEqual({
      thingName: THING,
      content: { kind: "bytes", frmPayload: "AQ==" },
      fPort: 10,
      confirmed: true,
      priority: "HIGH",
      replace: false,
    });
  });

  it("a payload for the formatter, every option set", () => {
    const payload = { led: "on", levels: [1, 2, 3], nested: { x: null } };
    expect(
      parseDownlinkRequestValue({
        thingName: "prod-eu1_dev-1:a",
        payload,
        fPort: 223,
        confirmed: false,
        highPriority: false,
        replace: true,
        correlationId: "order 42 ~!",
      }),
    ).toStrictEqual({
      thingName: "prod-eu1_dev-1:a",
      content: { kind: "payload", decodedPayload: payload },
      fPort: 223,
      confirmed: false,
      priority: "NORMAL",
      replace: true,
      correlationId: "order 42 ~!",
    });
  });

  it.each([
    ["fPort 1", { ...base, fPort: 1 }],
    ["fPort 1.0", { raw: `{"thingName":"${THING}","bytes":"AQ==","fPort":1.0}` }],
    ["255 bytes", { ...base, bytes: b64(255) }],
    ["1 byte", { ...base, bytes: "AA==" }],
    ["3 bytes (no padding needed)", { ...base, bytes: "AQID" }],
    ["+ and / in base64", { ...base, bytes: "+/8=" }],
    ["a thingName of 128 characters", { ...base, thingName: "A".repeat(128) }],
    ["a correlationId of 100 characters", { ...base, correlationId: "c".repeat(100) }],
    ["an empty payload object", { thingName: THING, payload: {} }],
    ["a payload of 4096 bytes", { thingName: THING, payload: { s: "x".repeat(4088) } }],
    ["a request of 8192 bytes", { raw: JSON.stringify(base).padEnd(8192, " ") }],
    ["a UTF-8 BOM", { raw: `\uFEFF${JSON.stringify(base)}` }],
  ])("%s", (_, request) => {
    expect(() => parseDownlinkRequest(payloadOf(request))).not.toThrow();
  });

  it("keeps a valid payload as sent", () => {
    const payload = { b: 2, a: { z: [true, null, "é"] } };
    const request = parseDownlinkRequest(bytesOf({ thingName: THING, payload }));
    expect(request.content.kind === "payload" && JSON.stringify(request.content.decodedPayload)).toBe(
      JSON.stringify(payload),
    );
  });
});

describe("suggestField", () => {
  it.each([
    ["fport", "fPort"],
    ["f_port", "fPort"],
    ["FPort", "fPort"],
    ["byte", "bytes"],
    ["thing_name", "thingName"],
    ["high_priority", "highPriority"],
    ["correlation_id", "correlationId"],
    ["confirm", "confirmed"],
    ["priority", undefined],
    ["data", undefined],
  ])("%s → %s", (field, expected) => {
    expect(suggestField(field)).toBe(expected);
  });
});

describe("the validation table", () => {
  it("checks in the order the error catalogue lists (after size, JSON and object, checked on the raw bytes)", () => {
    const onTheObject = DOWNLINK_REQUEST_ERROR_CODES.filter(
      (code) => !["request_too_large", "invalid_json", "invalid_request"].includes(code),
    );
    expect(VALIDATION_RULES.map((rule) => rule.code)).toEqual(onTheObject);
  });
});
