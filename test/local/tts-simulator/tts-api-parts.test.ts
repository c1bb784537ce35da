import { describe, expect, it } from "vitest";
import { FaultInjector, InvalidFaultError, requestFaultKinds } from "../../../local/tts-simulator/fault-injector.ts";
import { type FaultInput, parseFault } from "../../../local/tts-simulator/fault-spec.ts";
import { APPLICATION_RIGHTS } from "../../../local/tts-simulator/rights.ts";
import { formatMessage, TtsApiError, ttsErrorBody, ttsErrors } from "../../../local/tts-simulator/tts-api-errors.ts";
import { bearerKey } from "../../../local/tts-simulator/tts-api-handler.ts";
import { matchRoute, ROUTE_NAMES } from "../../../local/tts-simulator/tts-api-routes.ts";

describe("TTS API routes", () => {
  const base = "/api/v3/as/applications/app-1/devices/dev-1/down";

  it("match push, replace and list with their methods", () => {
    const matched = (method: string, path: string) => {
      const match = matchRoute(method, path);
      return match.kind === "route" ? { name: match.route.definition.name, params: match.route.params } : match;
    };
    const params = { application_id: "app-1", device_id: "dev-1" };
    expect(matched("POST", `${base}/push`)).toEqual({ name: "push", params });
    expect(matched("POST", `${base}/replace`)).toEqual({ name: "replace", params });
    expect(matched("GET", base)).toEqual({ name: "list", params });
  });

  it("tell an unknown path from a wrong method", () => {
    expect(matchRoute("GET", `${base}/push`)).toEqual({ kind: "methodNotAllowed", allow: "POST" });
    expect(matchRoute("POST", base)).toEqual({ kind: "methodNotAllowed", allow: "GET" });
    expect(matchRoute("POST", `${base}/pop`)).toEqual({ kind: "notFound" });
    expect(matchRoute("GET", "/api/v3/applications/app-1")).toEqual({ kind: "notFound" });
    expect(matchRoute("GET", "/api/v3/as/applications/%E0%A4%A/devices/d/down")).toEqual({ kind: "notFound" });
  });
});

describe("Authorization header", () => {
  it("yields the bearer key, or nothing for anything else", () => {
    expect(bearerKey("Bearer NNSXS.ABC.DEF")).toBe("NNSXS.ABC.DEF");
    expect(bearerKey("bearer key")).toBe("key");
    expect(bearerKey(undefined)).toBeUndefined();
    expect(bearerKey("Basic dXNlcjpwYXNz")).toBeUndefined();
    expect(bearerKey("Bearer ")).toBeUndefined();
  });
});

describe("TTS error bodies", () => {
  it("have TTS's REST shape, with the formatted message", () => {
    const body = ttsErrorBody(ttsErrors.endDeviceNotFound("app-1", "dev-9"), "7d4a76e4b2074fdfbb6d0fac81d8647c");
    expect(body).toEqual({
      code: 5,
      message: "error:pkg/identityserver/store:end_device_not_found (end device `dev-9.app-1` not found)",
      details: [
        {
          "@type": "type.googleapis.com/ttn.lorawan.v3.ErrorDetails",
          namespace: "pkg/identityserver/store",
          name: "end_device_not_found",
          message_format: "end device `{end_device_uid}` not found",
          attributes: { end_device_uid: "dev-9.app-1" },
          correlation_id: "7d4a76e4b2074fdfbb6d0fac81d8647c",
          code: 5,
        },
      ],
    });
    expect(ttsErrorBody(ttsErrors.unauthenticated(), "x").details[0]).not.toHaveProperty("attributes");
  });

  it("map to the HTTP statuses grpc-gateway uses", () => {
    const statuses = [
      ttsErrors.unauthenticated(),
      ttsErrors.apiKeyNotFound(),
      ttsErrors.applicationNotFound("a"),
      ttsErrors.validation("f", "r"),
      ttsErrors.rateLimited(),
      ttsErrors.unavailable(),
      ttsErrors.internal("r"),
      ttsErrors.badGateway(),
      ttsErrors.deadlineExceeded(),
    ].map((error) => [error.status, error.code]);
    expect(statuses).toEqual([
      [401, 16],
      [401, 16],
      [404, 5],
      [400, 3],
      [429, 8],
      [503, 14],
      [500, 13],
      [502, 14],
      [504, 4],
    ]);
    const error = ttsErrors.validation("downlinks[0].f_port", "is required");
    expect(error).toBeInstanceOf(TtsApiError);
    expect(error.name).toBe("TtsApiError");
    expect(error.errorName).toBe("validation");
  });

  it("fill only the attributes they have", () => {
    expect(formatMessage("no rights for `{uid}` on {thing}", { uid: "u1" })).toBe("no rights for `u1` on {thing}");
  });
});

describe("fault injector", () => {
  it("hands out refusals and delays to that many requests, in order", () => {
    const faults = new FaultInjector();
    faults.refuseNext(2, 503);
    faults.refuseNext(1, 429, 7);
    faults.delayNext(1, 250);
    expect(faults.takeRequestFault()).toEqual({ delayMs: 250, refusal: { status: 503 } });
    expect(faults.takeRequestFault()).toEqual({ refusal: { status: 503 } });
    expect(faults.takeRequestFault()).toEqual({ refusal: { status: 429, retryAfterSeconds: 7 } });
    expect(faults.takeRequestFault()).toEqual({});
  });

  it("rejects keys until told otherwise, nacks on demand, and resets everything", () => {
    const faults = new FaultInjector();
    faults.rejectKey();
    expect(faults.rejectingKeys).toBe(true);
    faults.acceptKey();
    expect(faults.rejectingKeys).toBe(false);
    faults.nackNext(2);
    expect([faults.takeNack(), faults.takeNack(), faults.takeNack()]).toEqual([true, true, false]);
    faults.refuseNext(5, 429);
    faults.delayNext(5, 10);
    faults.nackNext();
    faults.rejectKey();
    faults.reset();
    expect([faults.takeRequestFault(), faults.takeNack(), faults.rejectingKeys]).toEqual([{}, false, false]);
  });

  it("refuses nonsense", () => {
    const faults = new FaultInjector();
    expect(() => faults.refuseNext(0, 503)).toThrow(InvalidFaultError);
    // Refusals are 429 or a 5xx TTS (or a proxy before it) answers: 500, 502, 503, 504.
    expect(() => faults.refuseNext(1, 404 as 503)).toThrow(InvalidFaultError);
    expect(() => faults.refuseNext(1, 501 as 503)).toThrow(InvalidFaultError);
    expect(() => faults.refuseNext(1, 429, -1)).toThrow(InvalidFaultError);
    expect(() => faults.delayNext(1, -5)).toThrow(InvalidFaultError);
    expect(() => faults.nackNext(1.5)).toThrow(InvalidFaultError);
    expect(faults.pending()).toEqual([]);
    for (const status of [500, 502, 503, 504] as const) faults.refuseNext(1, status);
    expect(faults.pending().map((fault) => "status" in fault && fault.status)).toEqual([500, 502, 503, 504]);
  });

  it("gives each request at most one fault per stage, the first asked for its route action or for any", () => {
    const faults = new FaultInjector();
    faults.inject({ kind: "errorBeforeProcessing", action: "list", status: 503 });
    faults.inject({ kind: "slowAnswer", action: "push", count: 2, delayMs: 8_000 });
    faults.inject({ kind: "reset", processed: true });
    faults.inject({ kind: "errorAfterProcessing", action: "push", status: 502, retryAfterSeconds: 3 });
    faults.inject({ kind: "delay", action: "replace", delayMs: 10 });
    expect(faults.takeRequestFault("push")).toEqual({ answerDelayMs: 8_000, reset: { processed: true } });
    expect(faults.takeRequestFault("push")).toEqual({
      answerDelayMs: 8_000,
      errorAfterProcessing: { status: 502, retryAfterSeconds: 3 },
    });
    expect(faults.takeRequestFault("push")).toEqual({});
    expect(faults.takeRequestFault()).toEqual({});
    expect(faults.takeRequestFault("replace")).toEqual({ delayMs: 10 });
    expect(faults.takeRequestFault("list")).toEqual({ refusal: { status: 503 } });
    expect(faults.pending()).toEqual([]);
  });

  it("lists what is pending in the order asked, with what is left of each count", () => {
    const faults = new FaultInjector();
    expect(faults.inject({ kind: "slowAnswer", delayMs: 100 })).toEqual({ kind: "slowAnswer", count: 1, delayMs: 100 });
    faults.inject({ kind: "reset", action: "push", count: 3, processed: false });
    faults.inject({ kind: "rejectKey" });
    faults.nackNext(2);
    faults.takeRequestFault("push");
    expect(faults.takeNack()).toBe(true);
    expect(faults.pending()).toEqual([
      { kind: "reset", action: "push", count: 3, processed: false, remaining: 2 },
      { kind: "nack", count: 2, remaining: 1 },
      { kind: "rejectKey" },
    ]);
  });

  it("names the kinds a request took, for the record", () => {
    expect(requestFaultKinds({})).toEqual([]);
    expect(requestFaultKinds({ delayMs: 1, errorAfterProcessing: { status: 500 }, answerDelayMs: 2 })).toEqual([
      "delay",
      "errorAfterProcessing",
      "slowAnswer",
    ]);
    expect(requestFaultKinds({ refusal: { status: 429 } })).toEqual(["errorBeforeProcessing"]);
    expect(requestFaultKinds({ reset: { processed: false } })).toEqual(["reset"]);
  });
});

describe("fault validation", () => {
  it.each<[unknown, string]>([
    [null, "a fault is a JSON object with a `kind`, got null"],
    [
      { kind: "explode" },
      '`kind` must be delay, slowAnswer, errorBeforeProcessing, errorAfterProcessing, reset, nack, rejectKey or withholdRights, got "explode"',
    ],
    [{ count: 1 }, "`kind` is required"],
    [{ kind: "slowAnswer" }, "`delayMs` is required"],
    [{ kind: "slowAnswer", delayMs: -1 }, "`delayMs` must be a number of milliseconds from 0 to 3600000, got -1"],
    [{ kind: "delay", delayMs: 1, count: 0 }, "`count` must be a whole number ≥ 1, got 0"],
    [
      { kind: "delay", delayMs: 1, action: "pop" },
      `\`action\` must be ${ROUTE_NAMES.slice(0, -1).join(", ")} or ${ROUTE_NAMES.at(-1)}, got "pop"`,
    ],
    [{ kind: "withholdRights", rights: [] }, "`rights` must name at least one right"],
    [
      { kind: "withholdRights", rights: ["RIGHT_EVERYTHING"] },
      `\`rights[0]\` must be ${APPLICATION_RIGHTS.slice(0, -1).join(", ")} or ${APPLICATION_RIGHTS.at(-1)}, got "RIGHT_EVERYTHING"`,
    ],
    [{ kind: "errorAfterProcessing", status: 429 }, "`status` must be 500, 502, 503 or 504, got 429"],
    [{ kind: "errorBeforeProcessing", status: "503" }, '`status` must be 429, 500, 502, 503 or 504, got "503"'],
    [
      { kind: "errorBeforeProcessing", status: 503, retryAfterSeconds: 1.5 },
      "`retryAfterSeconds` must be a whole number of seconds ≥ 0, got 1.5",
    ],
    [{ kind: "reset" }, "`processed` is required"],
    [
      { kind: "slowAnswer", delayMs: 1, processed: true },
      "`processed` does not apply to a slowAnswer fault, which takes `count`, `action`, `delayMs`",
    ],
    [{ kind: "nack", action: "push" }, "`action` does not apply to a nack fault, which takes `count`"],
    [{ kind: "rejectKey", count: 2 }, "`count` does not apply to a rejectKey fault, which takes nothing else"],
  ])("refuses %j: %s", (fault, message) => {
    expect(() => parseFault(fault)).toThrow(new InvalidFaultError(message));
    expect(() => new FaultInjector().inject(fault as FaultInput)).toThrow(InvalidFaultError);
  });

  it("fills in the count, and keeps what was given", () => {
    expect(parseFault({ kind: "nack" })).toEqual({ kind: "nack", count: 1 });
    expect(
      parseFault({ kind: "errorBeforeProcessing", count: 50, action: "list", status: 429, retryAfterSeconds: 0 }),
    ).toEqual({
      kind: "errorBeforeProcessing",
      count: 50,
      action: "list",
      status: 429,
      retryAfterSeconds: 0,
    });
  });
});
