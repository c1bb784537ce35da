/** functions/settings.ts: each function's settings schema, built on first read. */
import { describe, expect, it } from "vitest";
import { FUNCTIONS, type FunctionName } from "../../functions/catalogue.ts";
import { loadSettings, SETTINGS } from "../../functions/settings.ts";

describe("SETTINGS", () => {
  it("names every function, and builds a function's schema only when it is read, once", () => {
    expect(Object.keys(SETTINGS).sort()).toEqual(Object.keys(FUNCTIONS).sort());
    const unread = (name: FunctionName) => Object.getOwnPropertyDescriptor(SETTINGS, name)?.get !== undefined;
    expect(unread("republish")).toBe(true);
    loadSettings("republish", {});
    expect(unread("republish")).toBe(false);
    expect(unread("publish-feedback")).toBe(true);
    expect(SETTINGS.republish).toBe(SETTINGS.republish);
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
