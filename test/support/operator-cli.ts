/** Runs the operator CLI through the package's `bin` (`operate/bin.js`) as a child process: real argv, real exit code. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import type { LocalRuntime } from "../../local/runtime/runtime.ts";

export const OPERATOR_CLI = join(import.meta.dirname, "..", "..", "operate", "bin.js");

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Async on purpose: a synchronous child would block the event loop the endpoint answers on. */
export function runOperatorCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [OPERATOR_CLI, ...args],
      { env: { ...process.env, ...env, NO_COLOR: "1" }, encoding: "utf8", timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The options and variables that point the CLI at a test runtime (`--endpoint-url`, its stack name). */
export function againstRuntime(runtime: LocalRuntime, stackName = "e2e") {
  return {
    args: ["--endpoint-url", runtime.urls.aws, "--stack-name", stackName],
    env: runtime.sdkEnvironment,
  };
}
