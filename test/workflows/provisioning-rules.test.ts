/**
 * The provisioning rules' SQL, evaluated by the local rules engine on thing registry events in the
 * shape AWS documents them (AWS IoT Core Developer Guide, "Registry events").
 */
import { describe, expect, it } from "vitest";
import { compileRule } from "../../local/rules/index.ts";
import { topicRules } from "../../workflows/catalogue.ts";
import { provisioningRules } from "../../workflows/provisioning-rules.ts";

const STACK = "prod-eu1";
const [created, deleted] = provisioningRules(STACK, { thingTypeName: "lorawan", deleteInTts: true });
const APP_KEY = "00112233445566778899AABBCCDDEEFF";

function registryEvent(operation: "CREATED" | "DELETED", overrides: Record<string, unknown> = {}) {
  return {
    eventType: "THING_EVENT",
    eventId: "f5ae9b94-8b8e-4d8e-8c8f-b3266dd89853",
    timestamp: 1_234_567_890_123,
    operation,
    accountId: "123456789012",
    thingId: "b604f69c-aa9a-4d4a-829e-c480e958a0b5",
    thingName: "0004A30B001C0530",
    versionNumber: 1,
    thingTypeName: "lorawan",
    attributes: {
      devEUI: "0004A30B001C0530",
      stackName: STACK,
      appKey: APP_KEY,
      deviceID: "sensor-1",
      applicationID: "app-one",
    },
    ...overrides,
  };
}

function evaluate(rule: typeof created, operation: "CREATED" | "DELETED", event: Record<string, unknown>) {
  return compileRule(rule!.sql).evaluate({
    topic: `$aws/events/thing/0004A30B001C0530/${operation.toLowerCase()}`,
    payload: Buffer.from(JSON.stringify(event)),
  });
}

describe("provisioning rules", () => {
  it("exist only when the deployment provisions; deleted only with deleteInTts", () => {
    expect(topicRules(STACK).some((rule) => rule.workflow === "provisioning")).toBe(false);
    expect(provisioningRules(STACK, { thingTypeName: "lorawan", deleteInTts: false }).map((rule) => rule.name)).toEqual(
      ["things_prod_eu1_created"],
    );
    expect([created?.name, deleted?.name]).toEqual(["things_prod_eu1_created", "things_prod_eu1_deleted"]);
  });

  it("created: starts the workflow with the operation, the thing's name and time, and no attribute", () => {
    const input = evaluate(created, "CREATED", registryEvent("CREATED"));
    expect(input).toEqual({ operation: "CREATED", thingName: "0004A30B001C0530", timestamp: 1_234_567_890_123 });
    expect(JSON.stringify(input)).not.toContain(APP_KEY);
  });

  it("deleted: hands over the device ids, never a key", () => {
    const input = evaluate(deleted, "DELETED", registryEvent("DELETED"));
    expect(input).toEqual({
      operation: "DELETED",
      thingName: "0004A30B001C0530",
      deviceID: "sensor-1",
      applicationID: "app-one",
      timestamp: 1_234_567_890_123,
    });
  });

  it.each([
    ["another deployment's thing", { attributes: { stackName: "other", appKey: APP_KEY } }],
    ["a thing of another type", { thingTypeName: "sensor" }],
    ["a thing without a type", { thingTypeName: null }],
    ["a thing without stackName", { attributes: { devEUI: "0004A30B001C0530" } }],
  ])("ignore %s", (_, overrides) => {
    expect(evaluate(created, "CREATED", registryEvent("CREATED", overrides))).toBeUndefined();
    expect(evaluate(deleted, "DELETED", registryEvent("DELETED", overrides))).toBeUndefined();
  });

  it("listen to the registry's own topics only", () => {
    expect(created?.sql).toContain("FROM '$aws/events/thing/+/created'");
    expect(
      compileRule(created!.sql).evaluate({
        topic: "lorawan/0004A30B001C0530/created",
        payload: Buffer.from(JSON.stringify(registryEvent("CREATED"))),
      }),
    ).toBeUndefined();
  });
});
