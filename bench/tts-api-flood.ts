/**
 * `npm run bench` (third part): the simulated TTS API under a flood of large posts, on 127.0.0.1 —
 * POSTS unauthenticated posts of 1 MiB (refused before their body is read), then POSTS authenticated
 * ones (read, recorded, refused as invalid). After each half of each flood, and after a full garbage
 * collection: the memory the process retains (V8 heap used plus external memory: buffers and strings
 * outside the heap), and the resident set, which also counts what the allocator keeps for reuse and
 * the in-process client's buffers, and so is noisier. Target: the retained memory grows by less than
 * the record's byte bound plus 8 MiB over both floods (before the bounds, 450 posts added 400 MB of RSS).
 *
 * Prints a table and writes it to bench/tts-api-flood.md; exits 1 when the target is missed.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  createSimulatedDevices,
  DEFAULT_RECORDER_LIMITS,
  MAX_TTS_BODY_BYTES,
  startTtsApi,
} from "../local/tts-simulator/index.ts";
import { countFromEnv, machineDescription, markdownTable } from "./measure.ts";

const POSTS = countFromEnv("BENCH_FLOOD_POSTS", 450);
const KEY = "NNSXS.BENCH.KEY";
const MIB = 1024 * 1024;
const SLACK_BYTES = 8 * MIB;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
/** Retained (heap used + external) and resident bytes, after a full collection. */
const memoryAfterGc = () => {
  gc();
  gc();
  const { heapUsed, external, rss } = process.memoryUsage();
  return { retained: heapUsed + external, rss };
};
const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;
const change = (bytes: number) => `${bytes < 0 ? "−" : "+"}${mib(Math.abs(bytes))}`;

const fleet = createSimulatedDevices({ stackName: "bench", count: 1, seed: 1 });
const device = fleet.devices[0]!;
const api = await startTtsApi({
  host: "127.0.0.1",
  port: 0,
  simulator: { fleet, publish: async () => undefined },
  apiKeys: new Map([[fleet.applicationId, KEY]]),
});
const url = `${api.url}/api/v3/as/applications/${fleet.applicationId}/devices/${device.deviceId}/down/push`;
const body = "x".repeat(MAX_TTS_BODY_BYTES);

/** Posts `count` times; the mean milliseconds per post. */
async function flood(headers: Record<string, string>, expected: number, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const response = await fetch(url, { method: "POST", headers, body });
    await response.arrayBuffer();
    if (response.status !== expected) throw new Error(`post ${i}: expected ${expected}, got ${response.status}`);
  }
  return (performance.now() - started) / count;
}

let missed = false;
try {
  const rows: [string, string][] = [];
  const start = memoryAfterGc();
  rows.push(["at start (after GC)", `retained ${mib(start.retained)}, RSS ${mib(start.rss)}`]);
  const floods = [
    ["unauthenticated (401, body unread)", {}, 401],
    ["authenticated (400, body read and recorded)", { authorization: `Bearer ${KEY}` }, 400],
  ] as const;
  for (const [label, headers, status] of floods) {
    const before = memoryAfterGc();
    const firstMs = await flood(headers, status, Math.floor(POSTS / 2));
    const half = memoryAfterGc();
    const secondMs = await flood(headers, status, Math.ceil(POSTS / 2));
    const after = memoryAfterGc();
    rows.push([
      `${POSTS} posts of 1 MiB, ${label}`,
      `retained ${change(half.retained - before.retained)} then ${change(after.retained - half.retained)}, ` +
        `RSS ${change(half.rss - before.rss)} then ${change(after.rss - half.rss)} (first half, second half); ` +
        `${((firstMs + secondMs) / 2).toFixed(1)} ms per post`,
    ]);
  }
  const end = memoryAfterGc();
  const keptBodies = Math.floor(DEFAULT_RECORDER_LIMITS.maxBodyBytes / MAX_TTS_BODY_BYTES);
  const recordBytes = api
    .requests({ since: api.requestCount - keptBodies })
    .reduce((sum, { body: recorded }) => sum + (typeof recorded === "string" ? Buffer.byteLength(recorded) : 0), 0);
  rows.push([
    "requests seen / bodies kept in the record",
    `${api.requestCount} / ${keptBodies} (${mib(recordBytes)}; bound ${mib(DEFAULT_RECORDER_LIMITS.maxBodyBytes)})`,
  ]);
  const retainedGrowth = end.retained - start.retained;
  rows.push([
    "at the end (after GC)",
    `retained ${mib(end.retained)} (${change(retainedGrowth)}), RSS ${mib(end.rss)} (${change(end.rss - start.rss)})`,
  ]);
  if (retainedGrowth > DEFAULT_RECORDER_LIMITS.maxBodyBytes + SLACK_BYTES) missed = true;

  const table = markdownTable(rows);
  const machine = machineDescription();
  const report = `# Benchmark: the simulated TTS API under a flood of large posts\n\n${new Date().toISOString()} — ${machine}\n\nTarget: retained memory (V8 heap used + external) grows by less than the record's bound (${mib(DEFAULT_RECORDER_LIMITS.maxBodyBytes)}) plus ${mib(SLACK_BYTES)}; RSS also counts the allocator's reserve and the in-process client.\n\n${table}\n\nRun: \`npm run bench\` (BENCH_FLOOD_POSTS).\n`;
  writeFileSync(join(import.meta.dirname, "tts-api-flood.md"), report);
  console.log(`\n${table}\n\nwritten to bench/tts-api-flood.md`);
} finally {
  await api.close();
}
if (missed) {
  console.error("the target was missed: retained memory grew past the record's bound plus slack");
  process.exitCode = 1;
}
