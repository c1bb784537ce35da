import { describe, expect, it } from "vitest";
import { FaultInjector, InvalidFaultError } from "../../../local/tts-simulator/fault-injector.ts";
import { formatMessage, TtsApiError, ttsErrorBody, ttsErrors } from "../../../local/tts-simulator/tts-api-errors.ts";
import { bearerKey } from "../../../local/tts-simulator/tts-api-handler.ts";
import { matchRoute } from "../../../local/tts-simulator/tts-api-routes.ts";

describe("TTS API routes", () => {
  const base = "/api/v3/as/applications/app-1/devices/dev-1/down";

  it("match push, replace and list with their methods", () => {
    expect(matchRoute("POST", `${base}/push`)).toEqual({
      kind: "route",
      route: { applicationId: "app-1", deviceId: "dev-1", action: "push" },
    });
    expect(matchRoute("POST", `${base}/replace`)).toEqual({
      kind: "route",
      route: { applicationId: "app-1", deviceId: "dev-1", action: "replace" },
    });
    expect(matchRoute("GET", base)).toEqual({
      kind: "route",
      route: { applicationId: "app-1", deviceId: "dev-1", action: "list" },
    });
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
    ].map((error) => [error.status, error.code]);
    expect(statuses).toEqual([
      [401, 16],
      [401, 16],
      [404, 5],
      [400, 3],
      [429, 8],
      [503, 14],
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
    expect(() => faults.refuseNext(1, 500 as 503)).toThrow(InvalidFaultError);
    expect(() => faults.refuseNext(1, 429, -1)).toThrow(InvalidFaultError);
    expect(() => faults.delayNext(1, -5)).toThrow(InvalidFaultError);
    expect(() => faults.nackNext(1.5)).toThrow(InvalidFaultError);
  });
});
