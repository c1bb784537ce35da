/**
 * The execution inspector in a real Chromium (playwright-core) against the embedded default: live
 * executions, one execution's graph and data, a failed execution's cause, a downlink sent from the page,
 * and no secret in anything the inspector serves.
 */
import { DescribeThingCommand, UpdateThingCommand } from "@aws-sdk/client-iot";
import type { MqttClient } from "mqtt";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { thingNameFor } from "../../functions/core/thing-name.ts";
import { launchChromium } from "../../local/harness/chromium.ts";
import { sdkClients, temporaryDataDir } from "../../local/harness/embedded-runtime.ts";
import { uplinkOfSize } from "../../local/harness/large-uplink.ts";
import { connect } from "../../local/harness/mqtt-client.ts";
import { freePort } from "../../local/net/listen.ts";
import type { LocalRuntime } from "../../local/runtime/runtime.ts";
import { fixture, fixtureBytes } from "../support/fixtures.ts";
import { startTestRuntime } from "../support/local-runtime.ts";

/** The uplink fixture's device, named as the upstream workflow names its thing (DevEUI). */
const FIXTURE_THING = fixture("uplink")["end_device_ids"]["dev_eui"] as string;
const WAIT = { timeout: 20_000 };
const API_KEY = "NNSXS.INSPECTOR-TEST-SECRET-KEY-0123456789";

const dataDir = temporaryDataDir();
let runtime: LocalRuntime;
let browser: Browser;
let page: Page;
let tts: MqttClient;
let inspectorUrl: string;
/** Every body the page received (the event stream aside, which never ends). */
const served: { url: string; body: string }[] = [];

beforeAll(async () => {
  runtime = await startTestRuntime(
    { dataDir: dataDir.path, devices: 1, ttsApiKey: API_KEY, inspectorPort: await freePort("127.0.0.1") },
    { simulatorScheduled: false },
  );
  inspectorUrl = runtime.inspector!.url;
  tts = await connect(runtime.urls.mqtt, "tts-fixtures");
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.setDefaultTimeout(20_000);
  page.on("response", async (response) => {
    if (response.url().endsWith("/api/events")) return;
    served.push({ url: response.url(), body: await response.text().catch(() => "") });
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await tts?.endAsync();
  await runtime?.close();
  dataDir.remove();
});

describe("the execution inspector in Chromium", () => {
  it("shows an uplink's execution as it happens, without a reload", async () => {
    await page.goto(inspectorUrl);
    await expect.poll(() => page.locator("#live").textContent(), WAIT).toBe("live");
    await tts.publishAsync("thethings/lorawan/e2e/uplink", fixtureBytes("uplink"), { qos: 1 });
    const row = page.locator(`tr[data-status="SUCCEEDED"]`, { hasText: FIXTURE_THING });
    await row.first().waitFor(WAIT);
    await expect.poll(() => row.first().locator("td").nth(2).textContent()).toBe("uplink");
  }, 60_000);

  it("opens the execution: the graph with the path taken, and each state's input and output", async () => {
    await page.locator(`tr[data-status="SUCCEEDED"]`, { hasText: FIXTURE_THING }).first().locator("a").first().click();
    const graph = page.locator("svg.graph");
    await graph.waitFor(WAIT);
    for (const state of ["EnsureThing", "UpdateShadowAndRepublish", "UpdateShadow", "Republish"]) {
      expect(await graph.locator(`[data-node="state:${state}"]`).getAttribute("class")).toContain("visited");
    }
    expect(await graph.locator(`[data-node="state:Failed"]`).getAttribute("class")).not.toContain("visited");
    expect(
      await graph.locator(`path.edge.taken[data-edge="state:EnsureThing→state:UpdateShadowAndRepublish"]`).count(),
    ).toBe(1);
    expect(await graph.locator(`path.edge.taken[data-edge="state:EnsureThing→state:Failed"]`).count()).toBe(0);

    // Keyboard: the state's node is a button; Enter opens its data.
    await graph.locator(`[data-node="state:Republish"]`).focus();
    await page.keyboard.press("Enter");
    const republish = page.locator(`details[data-state="Republish"]`);
    await expect.poll(() => republish.evaluate((element) => element.hasAttribute("open"))).toBe(true);
    await republish.locator("summary", { hasText: "Output" }).click();
    await expect.poll(() => republish.textContent()).toContain(`lorawan/${FIXTURE_THING}/uplink`);
    expect(await page.locator(`details[data-state="EnsureThing"] .outcome`).textContent()).toBe("succeeded");
  }, 60_000);

  it("filters to a failed execution (garbage on a TTS topic) and shows where and why it failed", async () => {
    await tts.publishAsync("thethings/lorawan/e2e/uplink", Buffer.from("temperature=21.5"), { qos: 1 });
    await page.goto(`${inspectorUrl}#/executions`);
    await page.locator("select[name=status]").selectOption("FAILED");
    const failed = page.locator(`tr[data-status="FAILED"]`).first();
    await failed.waitFor(WAIT);
    expect(await page.locator(`tr[data-status="SUCCEEDED"]`).count()).toBe(0);
    await failed.locator("a").first().click();
    const failure = page.locator("section.failure");
    await failure.waitFor(WAIT);
    expect(await failure.locator(".error-name").textContent()).toMatch(/\S/);
    expect(await failure.locator(".cause").textContent()).toMatch(/JSON|json/);
    const graph = page.locator("svg.graph");
    expect(await graph.locator(`[data-node="state:Failed"]`).getAttribute("class")).toContain("failed");
    expect(await graph.locator(`[data-node="state:EnsureThing"]`).getAttribute("class")).toContain("outcome-caught");
    expect(await graph.locator(`path.edge.taken[data-edge="state:EnsureThing→state:Failed"]`).count()).toBe(1);
  }, 60_000);

  it("sends a downlink from a thing's page and shows its queued feedback arriving", async () => {
    const simulator = runtime.simulator!;
    const device = simulator.devices[0]!;
    const thing = thingNameFor(device.endDeviceIds, "DevEUI", "e2e");
    await simulator.publishJoin(device.deviceId);
    await simulator.publishUplink(device.deviceId);
    await page.goto(`${inspectorUrl}#/things`);
    await page.locator(`a[href="#/thing/${thing}"]`).waitFor(WAIT);
    // The uplink's execution is done once the shadow holds it; reload the thing until then.
    await expect
      .poll(async () => {
        await page.goto(`${inspectorUrl}#/thing/${thing}`);
        await page.reload();
        return page.locator("pre.shadow").count();
      }, WAIT)
      .toBe(1);
    await page.locator("button", { hasText: "Send downlink" }).click();
    await page.locator(`.feedback li[data-topic="lorawan/${thing}/downlink/queued"]`).waitFor(WAIT);
    expect(await page.locator(`.feedback`).textContent()).toContain("inspector-");
  }, 60_000);

  it("shows an execution while it runs, then as it ended, without a reload", async () => {
    const device = runtime.simulator!.devices[0]!;
    const thing = thingNameFor(device.endDeviceIds, "DevEUI", "e2e");
    // TTS holds the push for 3 s: the downlink execution stays RUNNING meanwhile.
    runtime.ttsApi!.faults.inject({ kind: "delay", action: "push", delayMs: 3_000 });
    await page.goto(`${inspectorUrl}#/executions`);
    await expect.poll(() => page.locator("#live").textContent(), WAIT).toBe("live");
    const request = { thingName: thing, bytes: "AQ==", fPort: 10, correlationId: "inspector-running" };
    await tts.publishAsync("lorawan/downlink", Buffer.from(JSON.stringify(request)), { qos: 1 });
    const row = (status: string) => page.locator(`tr[data-status="${status}"]`, { hasText: thing });
    await row("RUNNING").first().waitFor({ timeout: 2_500 });
    expect(await row("RUNNING").first().locator("td").nth(1).textContent()).toBe("downlink");
    await expect.poll(() => row("RUNNING").count(), WAIT).toBe(0);
  }, 60_000);

  it("opens an execution near the size limits at once, its large data in previews until asked for", async () => {
    // 126 KB of uplink under AWS IoT's 128 KB: base64 in the rule event, copied from state to state.
    await tts.publishAsync("thethings/lorawan/e2e/uplink", uplinkOfSize(fixture("uplink"), 126_000), { qos: 1 });
    await page.goto(`${inspectorUrl}#/executions`);
    const rows = page.locator(`tr[data-status="SUCCEEDED"]`, { hasText: FIXTURE_THING });
    await expect.poll(() => rows.count(), WAIT).toBeGreaterThanOrEqual(2);
    const detail = page.waitForResponse((response) =>
      /\/api\/executions\/[^/]+$/.test(new URL(response.url()).pathname),
    );
    await rows.first().locator("a").first().click();
    const answer = await detail;
    // The whole execution holds megabytes of state data; the view's answer holds previews of it.
    expect((await answer.body()).length).toBeLessThan(100_000);
    await page.locator(`details[data-state="EnsureThing"] summary`).first().click();
    const input = page.locator(`details[data-state="EnsureThing"] details.data`, { hasText: "Input" });
    const showAll = input.locator("button", { hasText: "Show all" });
    await showAll.waitFor(WAIT);
    await showAll.click();
    await expect
      .poll(
        () =>
          input
            .locator("pre")
            .textContent()
            .then((text) => text?.length ?? 0),
        WAIT,
      )
      .toBeGreaterThan(160_000);
  }, 60_000);

  it("never serves the TTS API key, not even when a thing's attribute carries it", async () => {
    // An operator who pasted the key into a thing's attribute: the inspector lists attributes.
    const { iot } = sdkClients(runtime);
    await iot.send(
      new UpdateThingCommand({
        thingName: FIXTURE_THING,
        attributePayload: { attributes: { note: API_KEY }, merge: true },
      }),
    );
    const described = await iot.send(new DescribeThingCommand({ thingName: FIXTURE_THING }));
    expect(described.attributes?.["note"]).toBe(API_KEY);
    iot.destroy();
    await fetch(`${inspectorUrl}api/downlink`, {
      method: "POST",
      body: JSON.stringify({ thingName: FIXTURE_THING, bytes: "AQ==", fPort: 1, note: API_KEY }),
    });
    const bodies = [...served];
    const stream = await readEventStream(`${inspectorUrl}api/events`, 3_000);
    const read = async (path: string) => {
      const response = await fetch(`${inspectorUrl}${path}`);
      const body = await response.text();
      bodies.push({ url: path, body });
      return body;
    };
    for (const file of [
      "",
      "app.js",
      "dom.js",
      "graph.js",
      "json-view.js",
      "style.css",
      "api/workflows",
      "api/things",
    ]) {
      await read(file);
    }
    const things = JSON.parse(await read("api/things")) as { things: { thingName: string }[] };
    for (const { thingName } of things.things) await read(`api/things/${thingName}`);
    await expect
      .poll(async () => JSON.parse(await read("api/executions?workflow=downlink")).total as number, WAIT)
      .toBeGreaterThanOrEqual(2);
    const executions = JSON.parse(await read("api/executions?limit=200")) as { rows: { executionArn: string }[] };
    for (const { executionArn } of executions.rows) {
      const path = `api/executions/${encodeURIComponent(executionArn)}`;
      const detail = JSON.parse(await read(path)) as { runs: unknown[] };
      for (const field of ["input", "output"]) await read(`${path}/data?field=${field}`);
      for (let run = 0; run < detail.runs.length; run++) {
        for (const field of ["input", "output", "cause"]) await read(`${path}/data?run=${run}&field=${field}`);
      }
    }
    bodies.push({ url: "api/events", body: await stream });
    expect(bodies.length).toBeGreaterThan(20);
    expect(bodies.filter(({ body }) => body.includes(API_KEY)).map(({ url }) => url)).toEqual([]);
    // The attribute is there, shown without the key.
    expect(bodies.find(({ url }) => url === `api/things/${FIXTURE_THING}`)?.body).toContain('"note":"[secret]"');
  }, 60_000);
});

describe("the inspector's HTTP API", () => {
  it("answers bad requests with named errors and keeps serving", async () => {
    const call = async (path: string, init?: RequestInit) => {
      const response = await fetch(`${inspectorUrl}${path}`, init);
      return { status: response.status, body: (await response.json()) as { error: string } };
    };
    const post = (body: string) => ({ method: "POST", body });
    expect(await call("api/downlink", post("thingName=x"))).toMatchObject({
      status: 400,
      body: { error: "InvalidRequest" },
    });
    expect(await call("api/downlink", post("[1]"))).toMatchObject({ status: 400, body: { error: "InvalidRequest" } });
    expect(await call("api/downlink", post(JSON.stringify({ pad: "x".repeat(200_000) })))).toMatchObject({
      status: 413,
      body: { error: "RequestTooLarge" },
    });
    expect(await call("api/executions?status=BROKEN")).toMatchObject({
      status: 400,
      body: { error: "InvalidRequest" },
    });
    expect(await call("api/executions?offset=-1")).toMatchObject({ status: 400, body: { error: "InvalidRequest" } });
    expect(await call(`api/executions/${encodeURIComponent("arn:aws:states:x")}`)).toMatchObject({
      status: 404,
      body: { error: "NotFound" },
    });
    expect(await call("api/things/no-such-thing")).toMatchObject({ status: 404, body: { error: "ThingNotFound" } });
    expect(await call("..%2Fpackage.json")).toMatchObject({ status: 404, body: { error: "NotFound" } });
    expect(await call("api/downlink")).toMatchObject({ status: 405, body: { error: "MethodNotAllowed" } });
    expect((await call("api/workflows")).status).toBe(200);
  });
});

async function readEventStream(url: string, forMs: number): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  setTimeout(() => controller.abort(), forMs);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
  } catch {
    // aborted: what arrived until then is the answer
  }
  return text;
}
