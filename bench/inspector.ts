/**
 * `npm run bench` (inspector part): the execution inspector's page in Chromium with 1,000 kept executions
 * (real uplinks through the embedded default's simulator): how long the page takes to show the first page
 * of executions, the page's JavaScript heap, how long a filter over all of them and opening one execution
 * take. Writes its section of bench/results.md.
 *
 * Options: --executions (1000) --loads (5).
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { launchChromium } from "../local/harness/chromium.ts";
import { startEmbeddedRuntime, temporaryDataDir } from "../local/harness/embedded-runtime.ts";
import { freePort } from "../local/net/listen.ts";
import { machineDescription, median } from "./measure.ts";
import { writeResultsSection } from "./results-file.ts";

const { values: options } = parseArgs({
  options: { executions: { type: "string", default: "1000" }, loads: { type: "string", default: "5" } },
});
const EXECUTIONS = Number(options.executions);
const LOADS = Number(options.loads);
const DEVICES = 50;
const log = (text: string) => process.stderr.write(`${text}\n`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const dataDir = temporaryDataDir();
const runtime = await startEmbeddedRuntime(
  {
    dataDir: dataDir.path,
    stackName: "bench",
    devices: DEVICES,
    maxExecutions: EXECUTIONS,
    inspectorPort: await freePort("127.0.0.1"),
  },
  { simulatorScheduled: false },
);
const browser = await launchChromium();
try {
  const simulator = runtime.simulator!;
  log(`recording ${EXECUTIONS} executions…`);
  for (const device of simulator.devices) await simulator.publishJoin(device.deviceId);
  for (let sent = DEVICES; sent < EXECUTIONS; sent += DEVICES) {
    await Promise.all(
      simulator.devices.slice(0, EXECUTIONS - sent).map((device) => simulator.publishUplink(device.deviceId)),
    );
    await runtime.workflows.idle();
  }
  await runtime.workflows.idle();
  const kept = runtime.aws.executionStore.size;
  const url = runtime.inspector!.url;

  // The first list summarises every kept execution (read back from its journal line); later ones reuse that.
  const apiTimes: number[] = [];
  for (let call = 0; call < 3; call++) {
    const begun = performance.now();
    await (await fetch(`${url}api/executions?limit=50`)).json();
    apiTimes.push(performance.now() - begun);
  }

  log(`loading the page ${LOADS} times…`);
  const loads: number[] = [];
  const heaps: number[] = [];
  for (let load = 0; load < LOADS; load++) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const started = performance.now();
    await page.goto(url);
    await page.locator("tr[data-status]").first().waitFor({ timeout: 30_000 });
    loads.push(performance.now() - started);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const { metrics } = await cdp.send("Performance.getMetrics");
    heaps.push(metrics.find((metric) => metric.name === "JSHeapUsedSize")!.value);
    await page.close();
  }

  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(url);
  await page.locator("tr[data-status]").first().waitFor();
  let started = performance.now();
  await page.goto(`${url}#/executions?text=no-such-execution`);
  await page.locator("p.count", { hasText: "No executions match" }).waitFor({ timeout: 30_000 });
  const filterMs = performance.now() - started;
  await page.goto(`${url}#/executions`);
  await page.locator("tr[data-status]").first().waitFor();
  started = performance.now();
  await page.locator("tr[data-status] a").first().click();
  await page.locator("svg.graph").waitFor({ timeout: 30_000 });
  const openMs = performance.now() - started;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const { metrics } = await cdp.send("Performance.getMetrics");
  const heapAfter = metrics.find((metric) => metric.name === "JSHeapUsedSize")!.value;

  const rows: [string, string][] = [
    ["kept executions", String(kept)],
    [
      "GET /api/executions, first page (first call, then the next)",
      `${apiTimes[0]!.toFixed(0)} ms, then ${apiTimes[2]!.toFixed(0)} ms`,
    ],
    [
      "page load to the first 50 executions shown (median)",
      `${median(loads).toFixed(0)} ms (of ${LOADS} loads; max ${Math.max(...loads).toFixed(0)} ms)`,
    ],
    ["page JS heap after load (median)", mb(median(heaps))],
    ["filter by text over all kept executions", `${filterMs.toFixed(0)} ms`],
    ["open one execution (graph and states)", `${openMs.toFixed(0)} ms`],
    ["page JS heap after filtering and opening one", mb(heapAfter)],
  ];
  const machine = `${machineDescription()}, Chromium ${browser.version()}, load average ${loadavg()[0]!.toFixed(1)}`;
  const section = writeResultsSection({
    title: "Execution inspector in Chromium",
    preface: `${new Date().toISOString()} — ${machine}`,
    rows,
    footer: "Run alone: `node bench/inspector.ts` (--executions, --loads).",
  });
  console.log(`\n${section}\nwritten to bench/results.md`);
} finally {
  await browser.close();
  await runtime.close();
  dataDir.remove();
}
