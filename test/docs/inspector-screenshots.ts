/**
 * `node test/docs/inspector-screenshots.ts`: the README's screenshots of the execution inspector
 * (docs/inspector/*.png), taken in Chromium from the embedded default with a few simulated devices, a
 * garbage message on a TTS topic and a downlink sent from the page. Not part of `npm test`: it writes
 * into the repository.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { thingNameFor } from "../../functions/core/thing-name.ts";
import { launchChromium } from "../../local/harness/chromium.ts";
import { startEmbeddedRuntime, temporaryDataDir } from "../../local/harness/embedded-runtime.ts";
import { connect } from "../../local/harness/mqtt-client.ts";
import { freePort } from "../../local/net/listen.ts";

const OUT = join(import.meta.dirname, "..", "..", "docs", "inspector");
mkdirSync(OUT, { recursive: true });

const dataDir = temporaryDataDir();
const runtime = await startEmbeddedRuntime(
  { dataDir: dataDir.path, stackName: "local", devices: 3, interval: 2, inspectorPort: await freePort("127.0.0.1") },
  { simulatorScheduled: true },
);
const browser = await launchChromium();
try {
  const url = runtime.inspector!.url;
  const tts = await connect(runtime.urls.mqtt, "screenshots");
  await sleep(5_000);
  await tts.publishAsync("thethings/lorawan/local/uplink", Buffer.from("temperature=21.5"), { qos: 1 });
  await sleep(2_000);
  await tts.endAsync();

  const page = await browser.newPage({ viewport: { width: 1200, height: 820 }, colorScheme: "light" });
  const shot = async (name: string, fullPage = false) => {
    await sleep(300);
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage });
    console.log(`docs/inspector/${name}.png`);
  };

  await page.goto(url);
  await page.locator("tr[data-status]").first().waitFor();
  await shot("executions");

  await page.locator('tr[data-status="SUCCEEDED"]', { hasText: "uplink" }).first().locator("a").first().click();
  await page.locator("svg.graph").waitFor();
  await page.locator('[data-node="state:Republish"]').click();
  await page.mouse.wheel(0, -10_000);
  await shot("execution");
  await page.locator('details[data-state="Republish"]').scrollIntoViewIfNeeded();
  await shot("execution-states");

  await page.goto(`${url}#/executions?status=FAILED`);
  await page.locator('tr[data-status="FAILED"]').first().locator("a").first().click();
  await page.locator("section.failure").waitFor();
  // The whole page: the error and cause above, the graph with the failed state below.
  await shot("failed-execution", true);

  const device = runtime.simulator!.devices[0]!;
  const thing = thingNameFor(device.endDeviceIds, "DevEUI", "local");
  await page.goto(`${url}#/thing/${thing}`);
  await page.locator("button", { hasText: "Send downlink" }).click();
  await page.locator(".feedback li[data-topic$='/downlink/queued']").waitFor({ timeout: 20_000 });
  await page.locator("section[aria-label='Send a downlink']").scrollIntoViewIfNeeded();
  await shot("thing");

  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${url}#/executions`);
  await page.locator("tr[data-status]").first().waitFor();
  await shot("narrow");
} finally {
  await browser.close();
  await runtime.close();
  dataDir.remove();
}
