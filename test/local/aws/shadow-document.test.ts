import { describe, expect, it } from "vitest";
import { AwsError } from "../../../local/aws/errors.ts";
import type { JsonObject } from "../../../local/aws/json-value.ts";
import {
  applyShadowUpdate,
  deleteShadow,
  parseShadowUpdateRequest,
  type ShadowRecord,
  type ShadowUpdateRequest,
  shadowDelta,
  shadowDocument,
} from "../../../local/aws/shadow-document.ts";

const T1 = 1_700_000_000;
const T2 = T1 + 60;

function update(
  previous: ShadowRecord | undefined,
  state: ShadowUpdateRequest["state"],
  now = T1,
  extra: Partial<ShadowUpdateRequest> = {},
) {
  return applyShadowUpdate(previous, { state, ...extra }, now);
}

function request(body: unknown): Uint8Array {
  return Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
}

function awsErrorOf(run: () => unknown): AwsError {
  try {
    run();
  } catch (error) {
    if (error instanceof AwsError) return error;
    throw error;
  }
  throw new Error("expected an AwsError");
}

describe("applyShadowUpdate", () => {
  it("creates a shadow at version 1 with per-leaf metadata", () => {
    const { record } = update(undefined, { reported: { temperature: 21, radio: { rssi: -80, snr: 7 } } });
    expect(record.version).toBe(1);
    expect(record.state).toEqual({ reported: { temperature: 21, radio: { rssi: -80, snr: 7 } } });
    expect(record.metadata).toEqual({
      reported: { temperature: { timestamp: T1 }, radio: { rssi: { timestamp: T1 }, snr: { timestamp: T1 } } },
    });
    expect(record.timestamp).toBe(T1);
  });

  it("deep-merges and keeps the metadata of untouched leaves", () => {
    const first = update(undefined, { reported: { radio: { rssi: -80, snr: 7 }, battery: 90 } }).record;
    const { record } = update(first, { reported: { radio: { rssi: -70 } } }, T2);
    expect(record.state.reported).toEqual({ radio: { rssi: -70, snr: 7 }, battery: 90 });
    expect(record.metadata.reported).toEqual({
      radio: { rssi: { timestamp: T2 }, snr: { timestamp: T1 } },
      battery: { timestamp: T1 },
    });
    expect(record.version).toBe(2);
  });

  it("replaces arrays whole, with one metadata entry per element", () => {
    const first = update(undefined, { reported: { gateways: ["a", "b", "c"] } }).record;
    const { record } = update(first, { reported: { gateways: ["d"] } }, T2);
    expect(record.state.reported).toEqual({ gateways: ["d"] });
    expect(record.metadata.reported).toEqual({ gateways: [{ timestamp: T2 }] });
  });

  it("deletes keys set to null and collapses objects left empty", () => {
    const first = update(undefined, { reported: { radio: { rssi: -80 }, battery: 90 } }).record;
    const { record } = update(first, { reported: { radio: { rssi: null } } }, T2);
    expect(record.state.reported).toEqual({ battery: 90 });
    expect(record.metadata.reported).toEqual({ battery: { timestamp: T1 } });

    const emptied = update(record, { reported: { battery: null } }, T2).record;
    expect(emptied.state).toEqual({});
    expect(emptied.metadata).toEqual({});
  });

  it("clears a section set to null, and everything when state is null", () => {
    const first = update(undefined, { desired: { led: "on" }, reported: { led: "off" } }).record;
    expect(update(first, { desired: null }, T2).record.state).toEqual({ reported: { led: "off" } });
    const cleared = update(first, null, T2).record;
    expect(cleared.state).toEqual({});
    expect(cleared.version).toBe(2);
  });

  it("checks the version when the request carries one", () => {
    const first = update(undefined, { reported: { a: 1 } }).record;
    expect(update(first, { reported: { a: 2 } }, T2, { version: 1 }).record.version).toBe(2);
    const conflict = awsErrorOf(() => update(first, { reported: { a: 2 } }, T2, { version: 7 }));
    expect(conflict).toMatchObject({ code: "ConflictException", status: 409 });
  });

  it("answers with the request's state, its metadata, the new version and the client token", () => {
    const first = update(undefined, { reported: { a: 1 } }).record;
    const { accepted } = update(first, { reported: { b: 2, a: null } }, T2, { clientToken: "token-1" });
    expect(accepted).toEqual({
      state: { reported: { b: 2, a: null } },
      metadata: { reported: { b: { timestamp: T2 }, a: { timestamp: T2 } } },
      version: 2,
      timestamp: T2,
      clientToken: "token-1",
    });
  });

  it("describes previous and current documents", () => {
    const created = update(undefined, { reported: { a: 1 } });
    expect(created.documents["previous"]).toBeNull();
    const { documents } = update(created.record, { reported: { a: 2 } }, T2);
    expect(documents).toEqual({
      previous: { state: { reported: { a: 1 } }, metadata: { reported: { a: { timestamp: T1 } } }, version: 1 },
      current: { state: { reported: { a: 2 } }, metadata: { reported: { a: { timestamp: T2 } } }, version: 2 },
      timestamp: T2,
    });
  });

  it("computes the delta message with the desired metadata of the differing keys", () => {
    const reported = update(undefined, { reported: { led: "off", config: { period: 60, adr: true } } }).record;
    const { delta } = update(reported, { desired: { led: "on", config: { period: 60, adr: false } } }, T2, {
      clientToken: "c",
    });
    expect(delta).toEqual({
      version: 2,
      timestamp: T2,
      state: { led: "on", config: { adr: false } },
      metadata: { led: { timestamp: T2 }, config: { adr: { timestamp: T2 } } },
      clientToken: "c",
    });
  });

  it("has no delta once reported catches up with desired", () => {
    const desired = update(undefined, { desired: { led: "on" } }).record;
    expect(update(desired, { reported: { led: "on" } }, T2).delta).toBeUndefined();
  });

  it("keeps counting versions after a delete", () => {
    const first = update(undefined, { reported: { a: 1 } }).record;
    const second = update(first, { reported: { a: 2 } }, T2).record;
    const deleted = deleteShadow(second, T2);
    expect(deleted?.response).toEqual({ version: 2, timestamp: T2 });
    expect(shadowDocument(deleted?.record, T2)).toBeUndefined();
    const recreated = update(deleted?.record, { reported: { b: 1 } }, T2);
    expect(recreated.record.version).toBe(3);
    expect(recreated.record.state).toEqual({ reported: { b: 1 } });
    expect(recreated.documents["previous"]).toBeNull();
  });
});

describe("shadowDelta", () => {
  it("keeps desired values that differ from reported, deeply", () => {
    expect(
      shadowDelta({
        desired: { a: 1, b: { c: 2, d: 3 }, e: [1, 2], f: { g: 1 } },
        reported: { a: 1, b: { c: 2, d: 4 }, e: [1, 2], f: "scalar" },
      }),
    ).toEqual({ b: { d: 3 }, f: { g: 1 } });
  });

  it("treats arrays as values", () => {
    expect(shadowDelta({ desired: { e: [1, 2] }, reported: { e: [2, 1] } })).toEqual({ e: [1, 2] });
  });

  it("sees no difference between -0 and 0, also inside arrays", () => {
    const reported = JSON.parse('{"a": -0, "e": [-0, {"z": -0.0}]}') as JsonObject;
    expect(shadowDelta({ desired: { a: 0, e: [0, { z: 0 }] }, reported })).toBeUndefined();
    expect(shadowDelta({ desired: { e: [0, { z: 1 }] }, reported })).toEqual({ e: [0, { z: 1 }] });
  });

  it("is undefined without desired state", () => {
    expect(shadowDelta({ reported: { a: 1 } })).toBeUndefined();
  });
});

describe("shadowDocument", () => {
  it("returns state with delta, metadata, version and the current time", () => {
    const { record } = update(undefined, { desired: { led: "on" }, reported: { led: "off" } });
    expect(shadowDocument(record, T2)).toEqual({
      state: { desired: { led: "on" }, reported: { led: "off" }, delta: { led: "on" } },
      metadata: { desired: { led: { timestamp: T1 } }, reported: { led: { timestamp: T1 } } },
      version: 1,
      timestamp: T2,
    });
  });

  it("is undefined without a shadow", () => {
    expect(shadowDocument(undefined, T1)).toBeUndefined();
    expect(deleteShadow(undefined, T1)).toBeUndefined();
  });
});

describe("parseShadowUpdateRequest", () => {
  it("reads state, version and clientToken", () => {
    expect(parseShadowUpdateRequest(request({ state: { reported: { a: 1 } }, version: 3, clientToken: "x" }))).toEqual({
      state: { reported: { a: 1 } },
      version: 3,
      clientToken: "x",
    });
  });

  it.each([
    ["not json", "Payload contains invalid json"],
    [{ reported: { a: 1 } }, "Missing required node: state"],
    [{ state: [] }, "State node must be an object"],
    [{ state: { other: {} } }, "State contains an invalid node: 'other'"],
    [{ state: { reported: 5 } }, "State node 'reported' must be an object or null"],
    [{ state: {}, version: "1" }, "Invalid version: must be an integer"],
    [{ state: { reported: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } } } }, "too many levels of nesting"],
    // Not AWS's documented behaviour but the twin's guard: its merge walks plain objects, where a
    // "__proto__" key would set a prototype, so it refuses one (the product never writes it).
    ['{"state":{"reported":{"__proto__":{"x":1}}}}', "reserved key '__proto__'"],
    // The same key written with escapes: no "__proto__" in the text, still refused.
    ['{"state":{"reported":{"\\u005f_proto\\u005f_":{"x":1}}}}', "reserved key '__proto__'"],
  ])("rejects %j", (body, message) => {
    const error = awsErrorOf(() => parseShadowUpdateRequest(request(body)));
    expect(error.code).toBe("InvalidRequestException");
    expect(error.message).toContain(message);
  });

  // AWS IoT Core endpoints and quotas, "Device Shadow service": a shadow's state (desired and reported,
  // after the merge, metadata excluded) is at most 8 KB; null may not stand in an array; documents are
  // UTF-8 (AWS IoT data plane API reference, UpdateThingShadow: UnsupportedDocumentEncodingException, 415).
  it("limits the merged state, not the request: two updates of 5 KB fail at the second (413)", () => {
    const first = update(undefined, { reported: { a: "x".repeat(5_000) } });
    const error = awsErrorOf(() => update(first.record, { reported: { b: "y".repeat(5_000) } }));
    expect(error).toMatchObject({ code: "RequestEntityTooLargeException", status: 413 });
    expect(error.message).toMatch(/after the update; the limit is 8192/);
  });

  it("takes a pretty-printed request whose state is under 8 KB however much whitespace it has", () => {
    const body = `{\n  "state": {\n    "reported": {\n      "a": "${"x".repeat(7_900)}"${" ".repeat(600)}\n    }\n  }\n}`;
    expect(body.length).toBeGreaterThan(8_192);
    const parsed = parseShadowUpdateRequest(request(body));
    expect(() => applyShadowUpdate(undefined, parsed, T1)).not.toThrow();
  });

  it("refuses null inside an array (null only deletes a key)", () => {
    const error = awsErrorOf(() => parseShadowUpdateRequest(request({ state: { reported: { temps: [12.5, null] } } })));
    expect(error).toMatchObject({ code: "InvalidRequestException", status: 400 });
  });

  it("refuses a document that is not UTF-8 with UnsupportedDocumentEncodingException (415)", () => {
    const bytes = Buffer.concat([
      Buffer.from('{"state":{"reported":{"a":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}}}'),
    ]);
    const error = awsErrorOf(() => parseShadowUpdateRequest(bytes));
    expect(error).toMatchObject({ code: "UnsupportedDocumentEncodingException", status: 415 });
  });
});

describe("update documents", () => {
  it("stay as they were sent once later updates change the shadow (they share the record, never changed once made)", () => {
    const first = update(undefined, { reported: { temperature: 20, nested: { a: 1 } } });
    const sent = JSON.stringify(first.documents);
    const second = update(first.record, { reported: { temperature: 21, nested: { b: 2 } } }, T2);
    update(second.record, { reported: null }, T2);
    expect(JSON.stringify(first.documents)).toBe(sent);
    expect(first.record.state).toEqual({ reported: { temperature: 20, nested: { a: 1 } } });
  });
});
