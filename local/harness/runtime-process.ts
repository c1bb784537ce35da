/**
 * The embedded default as its own process (`local/cli/main.ts`), as a user runs it: for fault tests
 * and benchmarks that kill it (kill -9, SIGTERM) and start it again on the same data directory.
 * Ports are chosen by the system and read from the banner.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../cli/main.ts", import.meta.url));
/** A runtime killed with kill -9 leaves its data-dir lock, which goes stale after 10 s (data-dir-lock.ts). */
const LOCKED = "is in use by another running tts-aws-iot runtime";

export interface RuntimeProcess {
  readonly child: ChildProcess;
  readonly urls: { readonly mqtt: string; readonly aws: string };
  /** Everything the process printed on stdout so far. */
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
}

export interface RuntimeProcessOptions {
  readonly dataDir: string;
  readonly stackName: string;
  /** More `--option value` pairs. */
  readonly args?: readonly string[];
  /** How long to wait for the banner, retries on a stale lock included. Default 60 s. */
  readonly startTimeoutMs?: number;
}

/** Starts `npm start` with no simulated devices on free loopback ports; resolves once its banner is out. */
export async function startRuntimeProcess(options: RuntimeProcessOptions): Promise<RuntimeProcess> {
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    const started = await spawnOnce(options, deadline);
    if (started.kind === "started") return started.process;
    if (!started.locked || Date.now() > deadline) throw new Error(`the runtime did not start: ${started.output}`);
    await sleep(500);
  }
}

async function spawnOnce(
  options: RuntimeProcessOptions,
  deadline: number,
): Promise<{ kind: "started"; process: RuntimeProcess } | { kind: "failed"; locked: boolean; output: string }> {
  const args = [
    MAIN,
    ...["--data-dir", options.dataDir, "--stack-name", options.stackName, "--devices", "0"],
    ...["--bind-host", "127.0.0.1", "--mqtt-port", "0", "--mqtt-ws-port", "0", "--aws-port", "0", "--tts-port", "0"],
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  while (!/Ctrl-C stops cleanly/.test(stdout)) {
    if (hasExited) return { kind: "failed", locked: stderr.includes(LOCKED), output: stderr || stdout };
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      return { kind: "failed", locked: false, output: `no banner in time; stderr: ${stderr}` };
    }
    await sleep(50);
  }
  const mqtt = /MQTT broker\s+(mqtt:\/\/\S+)/.exec(stdout)?.[1];
  const aws = /AWS endpoint\s+(http:\/\/\S+)/.exec(stdout)?.[1];
  if (mqtt === undefined || aws === undefined) {
    child.kill("SIGKILL");
    return { kind: "failed", locked: false, output: `banner without URLs: ${stdout}` };
  }
  return {
    kind: "started",
    process: { child, urls: { mqtt, aws }, stdout: () => stdout, stderr: () => stderr, exited },
  };
}
