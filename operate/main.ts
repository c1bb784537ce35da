#!/usr/bin/env node
/** The `tts-aws-iot` command (package.json `bin`). */
import { runCli } from "./cli.ts";

const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => controller.abort());
}
process.exitCode = await runCli(process.argv.slice(2), process.env, controller.signal);
