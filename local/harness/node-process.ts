/** A Node child process for fault tests and benchmarks: its output kept, waited on by pattern, stopped by signal, bounded in time. */
import { type ChildProcess, spawn } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

export interface NodeChild {
  readonly process: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Resolves once stdout matches `pattern`; rejects when the child exits first or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** Sends `signal` and waits for the exit; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

/**
 * Runs `script` (absolute, or relative to the repository) with the Node running the tests, on loopback only by its args;
 * `env` is added to this process's environment, `nodeFlags` go to `node` itself.
 */
export function startNode(
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  nodeFlags: readonly string[] = [],
): NodeChild {
  const child = spawn(process.execPath, [...nodeFlags, resolve(ROOT, script), ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env, NODE_NO_WARNINGS: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
  const output = () => ({ stdout, stderr });
  return {
    process: child,
    output,
    exited,
    async waitForOutput(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let done = false;
      void exited.then(() => {
        done = true;
      });
      for (;;) {
        const match = stdout.match(pattern);
        if (match !== null) return match;
        if (done || Date.now() > deadline) {
          throw new Error(`no ${pattern} from ${script} (exited: ${done}); stdout:\n${stdout}\nstderr:\n${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop(signal = "SIGTERM", timeoutMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
