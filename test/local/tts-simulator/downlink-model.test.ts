import { describe, expect, it } from "vitest";
import { parseTtsMessage } from "../../../functions/core/tts-message.ts";
import {
  EU868_MAX_FRM_PAYLOAD_BY_SF,
  MAX_FRM_PAYLOAD_BYTES,
  maxFrmPayloadBytes,
} from "../../../local/tts-simulator/downlink-limits.ts";
import {
  downlinkEventMessage,
  downlinkEventTopic,
  downlinkFailedMessage,
  downlinkJson,
  downlinkTooLongError,
  type QueuedDownlink,
  queuedDownlink,
} from "../../../local/tts-simulator/downlink-messages.ts";
import { DownlinkQueues } from "../../../local/tts-simulator/downlink-queue.ts";
import {
  downlinkPayloadBytes,
  fieldPath,
  InvalidDownlinkRequestError,
  parseDownlinkQueueRequest,
  TX_SCHEDULE_PRIORITIES,
} from "../../../local/tts-simulator/downlink-request.ts";
import { planReceiveWindow } from "../../../local/tts-simulator/receive-window.ts";
import { fixture } from "../../support/fixtures.ts";

const b64 = (bytes: number) => Buffer.alloc(bytes, 0xab).toString("base64");
const downlink = (bytes: number, id: string): QueuedDownlink => ({
  f_port: 1,
  frm_payload: b64(bytes),
  correlation_ids: [id],
});

function rejection(body: unknown): { field: string; reason: string } {
  try {
    parseDownlinkQueueRequest(body);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidDownlinkRequestError);
    const { field, reason } = error as InvalidDownlinkRequestError;
    return { field, reason };
  }
  throw new Error("expected the request to be rejected");
}

describe("EU868 downlink payload limits", () => {
  it("give the maximum FRMPayload per spreading factor, as TTS's band does", () => {
    expect(EU868_MAX_FRM_PAYLOAD_BY_SF).toEqual({ 12: 51, 11: 51, 10: 51, 9: 115, 8: 222, 7: 222 });
    expect([12, 11, 10, 9, 8, 7].map(maxFrmPayloadBytes)).toEqual([51, 51, 51, 115, 222, 222]);
    expect(() => maxFrmPayloadBytes(6)).toThrow(RangeError);
    expect(MAX_FRM_PAYLOAD_BYTES).toBe(255);
  });
});

describe("downlink queue request", () => {
  it("accepts TTS's request shape, every priority, and either payload form", () => {
    const body = {
      downlinks: TX_SCHEDULE_PRIORITIES.map((priority, index) => ({
        f_port: index + 1,
        frm_payload: "vu8=",
        priority,
      })),
    };
    expect(parseDownlinkQueueRequest(body).map((d) => d.priority)).toEqual([...TX_SCHEDULE_PRIORITIES]);
    const request = fixture("downlink-queue-request");
    // The TTS docs example carries both payload forms; we take one at a time.
    delete request.downlinks[0].decoded_payload;
    expect(parseDownlinkQueueRequest(request)).toEqual([
      { f_port: 15, frm_payload: "vu8=", priority: "NORMAL", confirmed: true, correlation_ids: ["custom-id"] },
    ]);
    expect(parseDownlinkQueueRequest({ downlinks: [{ f_port: 223, decoded_payload: { on: true } }] })).toHaveLength(1);
    expect(parseDownlinkQueueRequest({ downlinks: [] })).toEqual([]);
  });

  it.each([
    [{ downlinks: [{ f_port: 0, frm_payload: "AQ==" }] }, "downlinks[0].f_port", "inside range [1, 223]"],
    [
      { downlinks: [{ frm_payload: "AQ==" }, { f_port: 224, frm_payload: "AQ==" }] },
      "downlinks[0].f_port",
      "is required",
    ],
    [
      {
        downlinks: [
          { f_port: 1, frm_payload: "AQ==" },
          { f_port: 224, frm_payload: "AQ==" },
        ],
      },
      "downlinks[1].f_port",
      "inside range [1, 223]",
    ],
    [{ downlinks: [{ f_port: 1.5, frm_payload: "AQ==" }] }, "downlinks[0].f_port", "integer"],
    [{ downlinks: [{ f_port: "1", frm_payload: "AQ==" }] }, "downlinks[0].f_port", "must be a number"],
    [{ downlinks: [{ f_port: 1 }] }, "downlinks[0].frm_payload", "exactly one of frm_payload and decoded_payload"],
    [
      { downlinks: [{ f_port: 1, frm_payload: "AQ==", decoded_payload: {} }] },
      "downlinks[0].frm_payload",
      "exactly one of",
    ],
    [{ downlinks: [{ f_port: 1, frm_payload: "not base64!" }] }, "downlinks[0].frm_payload", "base64"],
    [{ downlinks: [{ f_port: 1, frm_payload: b64(256) }] }, "downlinks[0].frm_payload", "at most 255 bytes"],
    [{ downlinks: [{ f_port: 1, decoded_payload: [1] }] }, "downlinks[0].decoded_payload", "JSON object"],
    [
      { downlinks: [{ f_port: 1, frm_payload: "AQ==", priority: "URGENT" }] },
      "downlinks[0].priority",
      "must be one of LOWEST, LOW",
    ],
    [{ downlinks: [{ f_port: 1, frm_payload: "AQ==", confirmed: "yes" }] }, "downlinks[0].confirmed", "true or false"],
    [
      { downlinks: [{ f_port: 1, frm_payload: "AQ==", correlation_ids: [7] }] },
      "downlinks[0].correlation_ids[0]",
      "string",
    ],
    [{ downlinks: [{ fPort: 1, f_port: 1, frm_payload: "AQ==" }] }, "downlinks[0].fPort", "unknown field"],
    [{ downlink: [] }, "downlinks", "is required"],
    [{ downlinks: [], extra: 1 }, "extra", "unknown field"],
    [{}, "downlinks", "is required"],
    [[], "(body)", "JSON object"],
  ])("rejects %j naming %s", (body, field, reason) => {
    const rejected = rejection(body);
    expect(rejected.field).toBe(field);
    expect(rejected.reason).toContain(reason);
  });

  it("writes field paths as TTS does", () => {
    expect(fieldPath(["downlinks", 2, "correlation_ids", 0])).toBe("downlinks[2].correlation_ids[0]");
    expect(fieldPath([])).toBe("(body)");
  });

  it("turns a decoded_payload into its JSON bytes, since the simulator has no formatter", () => {
    expect(downlinkPayloadBytes({ frm_payload: "vu8=" })).toEqual(Buffer.from([0xbe, 0xef]));
    expect(downlinkPayloadBytes({ decoded_payload: { led: "on", level: 3 } }).toString("utf8")).toBe(
      '{"led":"on","level":3}',
    );
  });
});

describe("queued downlinks and their lifecycle messages", () => {
  const ids = {
    device_id: "dev1",
    application_ids: { application_id: "app1" },
    dev_eui: "0004A30B001C0530",
    join_eui: "800000000000000C",
    dev_addr: "00C30DFA",
  };

  it("keep the caller's correlation IDs, add TTS's own, and store the payload as bytes", () => {
    const queued = queuedDownlink(
      { f_port: 15, decoded_payload: { on: true }, confirmed: true, priority: "HIGH", correlation_ids: ["mine"] },
      { asCorrelationId: "as:downlink:01E19B99501X84X6CV471TVSZ1", sessionKeyId: "AXBSp8v2brG0jqkri+sIkw==" },
    );
    expect(queued).toEqual({
      session_key_id: "AXBSp8v2brG0jqkri+sIkw==",
      f_port: 15,
      frm_payload: Buffer.from('{"on":true}').toString("base64"),
      decoded_payload: { on: true },
      confirmed: true,
      priority: "HIGH",
      correlation_ids: ["mine", "as:downlink:01E19B99501X84X6CV471TVSZ1"],
    });
    expect(queuedDownlink({ f_port: 1, frm_payload: "AQ==" }, { asCorrelationId: "as:downlink:X" })).toEqual({
      f_port: 1,
      frm_payload: "AQ==",
      correlation_ids: ["as:downlink:X"],
    });
  });

  it("leave zero values out like TTS: confirmed false, f_cnt 0 and priority LOWEST", () => {
    const json = downlinkJson({
      f_port: 1,
      f_cnt: 0,
      frm_payload: "AQ==",
      confirmed: false,
      priority: "LOWEST",
      correlation_ids: ["as:downlink:X"],
    });
    expect(json).toEqual({ f_port: 1, frm_payload: "AQ==", correlation_ids: ["as:downlink:X"] });
  });

  it("reproduce TTS's ack and failed examples", () => {
    const ack = fixture("downlink-ack");
    const message = downlinkEventMessage("downlinkAck", {
      ids,
      correlationIds: ack.correlation_ids,
      receivedAt: 1581935544590413417n,
      downlink: ack.downlink_ack,
    });
    expect(message).toEqual(ack);

    const failed = fixture("downlink-failed");
    const failedMessage = downlinkFailedMessage({
      ids: failed.end_device_ids,
      correlationIds: failed.correlation_ids,
      receivedAt: 0n,
      downlink: failed.downlink_failed.downlink,
      error: downlinkTooLongError("2e7f786912e946e597894e381d0ad7b0"),
    });
    expect({ ...failedMessage, received_at: undefined }).toEqual({ ...failed, received_at: undefined });
    expect(parseTtsMessage(failedMessage).kind).toBe("downlinkFailed");
    expect(downlinkEventTopic("downlinkFailed")).toBe("downlink/failed");
    expect(downlinkEventTopic("downlinkNack")).toBe("downlink/nack");
  });

  it("list each correlation ID once", () => {
    const message = downlinkEventMessage("downlinkSent", {
      ids,
      correlationIds: ["a", "b", "a"],
      receivedAt: 0n,
      downlink: downlink(1, "a"),
    });
    expect(message.correlation_ids).toEqual(["a", "b"]);
  });
});

describe("device downlink queues", () => {
  it("are first in, first out, per device; replace swaps; an empty replace clears", () => {
    const queues = new DownlinkQueues();
    queues.push("app", "dev-a", [downlink(1, "1"), downlink(1, "2")]);
    queues.push("app", "dev-a", [downlink(1, "3")]);
    queues.push("app", "dev-b", [downlink(1, "b")]);
    expect(queues.list("app", "dev-a").map((d) => d.correlation_ids[0])).toEqual(["1", "2", "3"]);
    expect(queues.shift("app", "dev-a")?.correlation_ids).toEqual(["1"]);
    queues.replace("app", "dev-a", [downlink(1, "r")]);
    expect(queues.list("app", "dev-a").map((d) => d.correlation_ids[0])).toEqual(["r"]);
    queues.replace("app", "dev-a", []);
    expect(queues.list("app", "dev-a")).toEqual([]);
    expect(queues.shift("app", "dev-a")).toBeUndefined();
    expect(queues.list("app", "dev-b")).toHaveLength(1);
  });
});

describe("class-A receive window", () => {
  it("drops payloads too long for the data rate and sends the first that fits", () => {
    const queue = [downlink(52, "long"), downlink(51, "fits"), downlink(200, "later")];
    const atSf12 = planReceiveWindow(queue, maxFrmPayloadBytes(12));
    expect(atSf12.tooLong.map((d) => d.correlation_ids[0])).toEqual(["long"]);
    expect(atSf12.send?.correlation_ids).toEqual(["fits"]);
    expect(atSf12.remaining.map((d) => d.correlation_ids[0])).toEqual(["later"]);

    const atSf7 = planReceiveWindow(queue, maxFrmPayloadBytes(7));
    expect(atSf7).toEqual({ tooLong: [], send: queue[0], remaining: queue.slice(1) });
  });

  it("sends nothing when nothing fits, and empties the queue of what failed", () => {
    expect(planReceiveWindow([downlink(116, "a"), downlink(223, "b")], maxFrmPayloadBytes(9))).toEqual({
      tooLong: [downlink(116, "a"), downlink(223, "b")],
      send: undefined,
      remaining: [],
    });
    expect(planReceiveWindow([], 51)).toEqual({ tooLong: [], send: undefined, remaining: [] });
  });
});
