/**
 * The embedded default as its own process (`local/cli/main.ts`), as a user runs it: for fault tests
 * and benchmarks that kill it (kill -9, SIGTERM) and start it again on the same data directory.
 * Ports are chosen by the system and read from the banner.
 */
import type { ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { RUNTIME_NODE_FLAGS } from "../runtime/heap-growth.ts";
import { type NodeChild, startNode } from "./node-process.ts";

/** A runtime killed with kill -9 leaves its data-dir lock, which goes stale after 10 s (data-dir-lock.ts). */
const LOCKED = "is in use by another running tts-aws-iot runtime";
/** The banner's first line. */
export const CLI_READY = /tts-aws-iot — embedded default/;
/** The banner's last line: every URL is printed once it is out. */
const BANNER_END = /Ctrl-C stops cleanly/;

/** `npm start`'s entry point and `node` flags on free loopback ports, with no simulated devices unless `options` says. */
export function startCli(
  dataDir: string,
  options: Readonly<Record<string, string>> = {},
  moreArgs: readonly string[] = [],
): NodeChild {
  const settings = {
    "data-dir": dataDir,
    "bind-host": "127.0.0.1",
    "mqtt-port": "0",
    "mqtt-ws-port": "0",
    "aws-port": "0",
    "tts-port": "0",
    "inspector-port": "0",
    devices: "0",
    ...options,
  };
  return startNode(
    "local/cli/main.ts",
    [...Object.entries(settings).flatMap(([name, value]) => [`--${name}`, value]), ...moreArgs],
    {},
    RUNTIME_NODE_FLAGS,
  );
}

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
  const cli = startCli(options.dataDir, { "stack-name": options.stackName }, options.args);
  const child = cli.process;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  try {
    await cli.waitForOutput(BANNER_END, Math.max(0, deadline - Date.now()));
  } catch {
    const { stdout, stderr } = cli.output();
    if (child.exitCode !== null || child.signalCode !== null) {
      return { kind: "failed", locked: stderr.includes(LOCKED), output: stderr || stdout };
    }
    child.kill("SIGKILL");
    return { kind: "failed", locked: false, output: `no banner in time; stderr: ${stderr}` };
  }
  const { stdout } = cli.output();
  const mqtt = /MQTT broker\s+(mqtt:\/\/\S+)/.exec(stdout)?.[1];
  const aws = /AWS endpoint\s+(http:\/\/\S+)/.exec(stdout)?.[1];
  if (mqtt === undefined || aws === undefined) {
    child.kill("SIGKILL");
    return { kind: "failed", locked: false, output: `banner without URLs: ${stdout}` };
  }
  return {
    kind: "started",
    process: {
      child,
      urls: { mqtt, aws },
      stdout: () => cli.output().stdout,
      stderr: () => cli.output().stderr,
      exited,
    },
  };
}
