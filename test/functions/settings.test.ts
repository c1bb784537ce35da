/** functions/settings.ts: each function's settings schema, built on first read. */
import { describe, expect, it, vi } from "vitest";
import { FUNCTIONS, type FunctionName } from "../../functions/catalogue.ts";
import { SETTINGS } from "../../functions/settings.ts";

describe("SETTINGS", () => {
  it("names every function, and builds a function's schema only when it is read, once", async () => {
    // A fresh copy of the module: other test files of this worker have read its schemas.
    vi.resetModules();
    const fresh = await import("../../functions/settings.ts");
    expect(Object.keys(fresh.SETTINGS).sort()).toEqual(Object.keys(FUNCTIONS).sort());
    const unread = (name: FunctionName) => Object.getOwnPropertyDescriptor(fresh.SETTINGS, name)?.get !== undefined;
    expect(Object.keys(FUNCTIONS).every((name) => unread(name as FunctionName))).toBe(true);
    fresh.loadSettings("republish", {});
    expect(unread("republish")).toBe(false);
    expect(unread("publish-feedback")).toBe(true);
    expect(fresh.SETTINGS.republish).toBe(fresh.SETTINGS.republish);
  });

  it("gives steps that share settings the same variables", () => {
    const variables = (name: FunctionName) => Object.keys(SETTINGS[name].shape).sort();
    expect(variables("register-end-device")).toEqual(variables("register-root-keys"));
    expect(variables("find-queued-downlink")).toEqual(variables("register-root-keys"));
    expect(variables("enqueue-downlink")).toEqual(
      [...variables("find-queued-downlink"), "TTS_RETRY_AFTER_MAX_SECONDS"].sort(),
    );
  });
});
