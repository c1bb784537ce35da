/**
 * The key's rights as TTS v3 lists them (`GET /api/v3/applications/{application_id}/rights` →
 * `Rights`, lorawan-stack `api/ttn/lorawan/v3/application_services.proto`, `rights.proto`) and the
 * ones the deployment needs.
 */
import { describe, expect, it } from "vitest";
import {
  missingTtsRights,
  parseTtsRights,
  readTtsRights,
  requiredTtsRights,
  TtsRightsAnswerError,
  ttsRightsPath,
} from "../../../functions/tts/rights.ts";
import { DEPLOYMENT_RIGHTS } from "../../../local/tts-simulator/rights.ts";
import { fakeTtsRoutes } from "../../support/fake-tts.ts";

const READ = "RIGHT_APPLICATION_TRAFFIC_READ";
const DOWN = "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE";
const BASIC = "RIGHT_APPLICATION_SETTINGS_BASIC";

describe("requiredTtsRights", () => {
  it("traffic read and down write; with configurePubSub also settings basic (what TTS's pub/sub Set and Delete require)", () => {
    expect(requiredTtsRights({ configurePubSub: false, provisioning: false })).toEqual([READ, DOWN]);
    expect(requiredTtsRights({ configurePubSub: true, provisioning: false })).toEqual([READ, DOWN, BASIC]);
  });

  it("with provisioning the device rights the four registries ask for: read, write, write keys (JS root keys)", () => {
    expect(requiredTtsRights({ configurePubSub: false, provisioning: true })).toEqual([
      READ,
      DOWN,
      "RIGHT_APPLICATION_DEVICES_READ",
      "RIGHT_APPLICATION_DEVICES_WRITE",
      "RIGHT_APPLICATION_DEVICES_WRITE_KEYS",
    ]);
  });

  it("the simulated TTS's default key grants everything a deployment with every option needs", () => {
    const granted = new Set<string>(DEPLOYMENT_RIGHTS);
    expect(
      requiredTtsRights({ configurePubSub: true, provisioning: true }).filter((right) => !granted.has(right)),
    ).toEqual([]);
  });
});

describe("parseTtsRights", () => {
  it("reads the rights list; {} (TTS omits an empty list) is no rights", () => {
    expect([...parseTtsRights({ rights: ["RIGHT_APPLICATION_INFO", READ] })]).toEqual(["RIGHT_APPLICATION_INFO", READ]);
    expect(parseTtsRights({}).size).toBe(0);
  });

  it("expands the pseudo-rights: ALL and APPLICATION_ALL grant every right, LINK traffic read and down write", () => {
    const needed = requiredTtsRights({ configurePubSub: true, provisioning: false });
    for (const pseudo of ["RIGHT_ALL", "RIGHT_APPLICATION_ALL"]) {
      expect(missingTtsRights(parseTtsRights({ rights: [pseudo] }), needed)).toEqual([]);
    }
    expect(missingTtsRights(parseTtsRights({ rights: ["RIGHT_APPLICATION_LINK"] }), needed)).toEqual([BASIC]);
  });

  it("refuses an answer that is not a Rights message, by name", () => {
    expect(() => parseTtsRights([READ])).toThrow(TtsRightsAnswerError);
    expect(() => parseTtsRights({ rights: "RIGHT_ALL" })).toThrow(TtsRightsAnswerError);
  });
});

describe("readTtsRights", () => {
  const call = { ttsUrl: "https://tts.example/", apiKey: "NNSXS.KEY", applicationId: "app 1", timeoutMs: 1000 };

  it("GETs the application's rights with the key as Bearer token", async () => {
    const tts = fakeTtsRoutes({ [ttsRightsPath("app 1")]: { body: { rights: [DOWN] } } });
    const lookup = await readTtsRights(call, tts.fetch);
    expect(lookup).toEqual({ kind: "rights", rights: new Set([DOWN]) });
    expect(tts.requests).toEqual([
      { method: "GET", path: "/api/v3/applications/app%201/rights", authorization: "Bearer NNSXS.KEY" },
    ]);
  });

  it("a refusal keeps TTS's status and message", async () => {
    const tts = fakeTtsRoutes({
      [ttsRightsPath("app 1")]: { status: 401, body: { code: 16, message: "error:pkg/auth:token_not_found" } },
    });
    expect(await readTtsRights(call, tts.fetch)).toEqual({
      kind: "refused",
      status: 401,
      message: "TTS answered 401: error:pkg/auth:token_not_found",
    });
  });

  it("an unreachable TTS is told apart from a refusal", async () => {
    const lookup = await readTtsRights({ ...call, ttsUrl: "http://127.0.0.1:1" });
    expect(lookup.kind).toBe("unreachable");
  });
});
