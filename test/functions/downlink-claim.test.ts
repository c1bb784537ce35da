/**
 * Claims of application correlationIds in the thing's `downlink-claims` shadow, against the local
 * twin's IoT data plane with the real SDK: the shadow's optimistic versioning (an update carrying
 * `version` answers 409 ConflictException when another landed first — AWS IoT Device Shadow service
 * documentation, "Versioning of shadow documents") is what makes one claim win.
 */
import { CreateThingCommand } from "@aws-sdk/client-iot";
import { GetThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { beforeEach, describe, expect, it } from "vitest";
import { CLAIM_TTL_SECONDS, CLAIMS_SHADOW } from "../../functions/core/downlink/claims.ts";
import { claimCorrelationId, releaseCorrelationId } from "../../functions/downlink-claim/downlink-claim.ts";
import { useEndpointFixture } from "../local/aws/endpoint-fixture.ts";

const ctx = useEndpointFixture();
const THING = "0004A30B001C0530";
const key = (executionName: string, correlationId = "order-42") => ({ thingName: THING, correlationId, executionName });

beforeEach(async () => {
  await ctx.f.iot.send(new CreateThingCommand({ thingName: THING }));
});

async function claims(): Promise<Record<string, { by: string; at: number }>> {
  const response = await ctx.f.iotData.send(new GetThingShadowCommand({ thingName: THING, shadowName: CLAIMS_SHADOW }));
  return JSON.parse(new TextDecoder().decode(response.payload)).state.reported.claims ?? {};
}

describe("downlink-claim", () => {
  it("claims a correlationId on a thing without claims shadow yet, and says who holds it to the next", async () => {
    const deps = { iotData: ctx.f.iotData, nowSeconds: () => 1_000 };
    await expect(claimCorrelationId(key("exec-a"), deps)).resolves.toEqual({ claimed: true, heldBy: null });
    await expect(claimCorrelationId(key("exec-b"), deps)).resolves.toEqual({ claimed: false, heldBy: "exec-a" });
    // The holder asking again (a retried step) still holds it.
    await expect(claimCorrelationId(key("exec-a"), deps)).resolves.toEqual({ claimed: true, heldBy: null });
    expect(await claims()).toEqual({ "order-42": { by: "exec-a", at: 1_000 } });
  });

  it("lets exactly one of many simultaneous claims win", async () => {
    const deps = { iotData: ctx.f.iotData };
    const results = await Promise.all(
      ["a", "b", "c", "d", "e"].map((name) => claimCorrelationId(key(`exec-${name}`, "order-race"), deps)),
    );
    expect(results.filter((result) => result.claimed)).toHaveLength(1);
    const winner = (await claims())["order-race"]!.by;
    for (const result of results.filter((candidate) => !candidate.claimed)) expect(result.heldBy).toBe(winner);
  });

  it("releases only the holder's claim, and a released correlationId can be claimed again", async () => {
    const deps = { iotData: ctx.f.iotData };
    await claimCorrelationId(key("exec-a"), deps);
    await expect(releaseCorrelationId(key("exec-b"), deps)).resolves.toEqual({ released: false });
    await expect(releaseCorrelationId(key("exec-a"), deps)).resolves.toEqual({ released: true });
    expect(await claims()).toEqual({});
    await expect(claimCorrelationId(key("exec-b"), deps)).resolves.toMatchObject({ claimed: true });
  });

  it("takes over a claim older than the Express limit, and prunes other expired ones", async () => {
    await claimCorrelationId(key("exec-dead", "order-1"), { iotData: ctx.f.iotData, nowSeconds: () => 1_000 });
    await claimCorrelationId(key("exec-dead", "order-2"), { iotData: ctx.f.iotData, nowSeconds: () => 1_000 });
    const later = { iotData: ctx.f.iotData, nowSeconds: () => 1_000 + CLAIM_TTL_SECONDS };
    await expect(claimCorrelationId(key("exec-new", "order-1"), later)).resolves.toMatchObject({ claimed: true });
    expect(await claims()).toEqual({ "order-1": { by: "exec-new", at: 1_000 + CLAIM_TTL_SECONDS } });
  });

  it("releasing where nothing was claimed is a no-op", async () => {
    await expect(releaseCorrelationId(key("exec-a"), { iotData: ctx.f.iotData })).resolves.toEqual({ released: false });
  });
});
