/** The TTS API's record of requests: sequence numbers that never repeat, and bounds on count and body bytes. */
import { describe, expect, it } from "vitest";
import { InvalidSimulatorOptionsError } from "../../../local/tts-simulator/index.ts";
import {
  DEFAULT_RECORDER_LIMITS,
  RecordedRequestsDroppedError,
  RequestRecorder,
} from "../../../local/tts-simulator/request-recorder.ts";

const at = new Date("2026-01-01T00:00:00Z");
const arrive = (recorder: RequestRecorder, path = "/p", body?: string) => {
  const record = recorder.start({ method: "POST", path, hasAuthorization: true, receivedAt: at });
  if (body !== undefined) recorder.setBody(record, body);
  return record;
};

describe("RequestRecorder", () => {
  it("numbers requests from 0 and gives back those since a number, bodies parsed as JSON when they are", () => {
    const recorder = new RequestRecorder();
    arrive(recorder, "/a", '{"downlinks":[]}');
    const second = arrive(recorder, "/b", "oops");
    second.status = 400;
    arrive(recorder, "/c");
    expect(recorder.count).toBe(3);
    expect(recorder.since().map(({ seq, path, body }) => ({ seq, path, body }))).toEqual([
      { seq: 0, path: "/a", body: { downlinks: [] } },
      { seq: 1, path: "/b", body: "oops" },
      { seq: 2, path: "/c", body: undefined },
    ]);
    expect(recorder.since(1).map(({ seq, status }) => [seq, status])).toEqual([
      [1, 400],
      [2, undefined],
    ]);
    expect(recorder.since(3)).toEqual([]);
  });

  it("keeps the newest maxRequests, and refuses to answer for dropped ones rather than return fewer", () => {
    const recorder = new RequestRecorder({ maxRequests: 3, maxBodyBytes: 1_000 });
    for (let i = 0; i < 5; i++) arrive(recorder, `/${i}`);
    expect(recorder.count).toBe(5);
    expect(recorder.since(2).map(({ seq }) => seq)).toEqual([2, 3, 4]);
    expect(() => recorder.since(1)).toThrow(RecordedRequestsDroppedError);
    expect(() => recorder.since()).toThrow(/requests since #0 are no longer all recorded: the oldest kept is #2/);
  });

  it("keeps at most maxBodyBytes of bodies (UTF-8 bytes as received), dropping the oldest first", () => {
    const recorder = new RequestRecorder({ maxRequests: 100, maxBodyBytes: 10 });
    arrive(recorder, "/a", "1234");
    arrive(recorder, "/b", "éé"); // 4 bytes
    expect(recorder.bodyBytes).toBe(8);
    arrive(recorder, "/c", "123");
    expect(recorder.since(1).map(({ path }) => path)).toEqual(["/b", "/c"]);
    expect(recorder.bodyBytes).toBe(7);
    // The newest request stays even alone over the bound.
    arrive(recorder, "/d", "x".repeat(50));
    expect(recorder.since(3).map(({ path }) => path)).toEqual(["/d"]);
    expect(recorder.bodyBytes).toBe(50);
  });

  it("finishes a request dropped while it was being answered without counting its body", () => {
    const recorder = new RequestRecorder({ maxRequests: 1, maxBodyBytes: 100 });
    const slow = arrive(recorder, "/slow");
    arrive(recorder, "/next", "abc");
    recorder.setBody(slow, "late body");
    slow.status = 200;
    expect(recorder.bodyBytes).toBe(3);
    expect(recorder.since(1).map(({ path }) => path)).toEqual(["/next"]);
  });

  it("hands out copies: what a caller changes does not change the record", () => {
    const recorder = new RequestRecorder();
    arrive(recorder, "/a");
    const [copy] = recorder.since() as Array<{ status: number | undefined }>;
    copy!.status = 999;
    expect(recorder.since()[0]!.status).toBeUndefined();
  });

  it("defaults to 1,000 requests and 16 MiB of bodies, and refuses limits that keep nothing", () => {
    expect(DEFAULT_RECORDER_LIMITS).toEqual({ maxRequests: 1_000, maxBodyBytes: 16 * 1024 * 1024 });
    expect(() => new RequestRecorder({ maxRequests: 0, maxBodyBytes: 10 })).toThrow(InvalidSimulatorOptionsError);
    expect(() => new RequestRecorder({ maxRequests: 1.5, maxBodyBytes: 10 })).toThrow(/maxRequests/);
  });
});
