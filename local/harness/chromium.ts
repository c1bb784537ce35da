/**
 * Debian's Chromium driven by playwright-core, for the inspector's browser tests, its screenshots and its
 * benchmark (`.ci/run` installs the browser). `CHROMIUM_PATH` points at another Chromium build.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

export class ChromiumMissingError extends Error {
  override readonly name = "ChromiumMissingError";
}

export function chromiumPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env["CHROMIUM_PATH"] || DEFAULT_CHROMIUM_PATH;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new ChromiumMissingError(
      `No Chromium at ${executablePath}: install Debian's (apt-get install chromium, as .ci/run does) or set CHROMIUM_PATH`,
    );
  }
  // --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath, args: ["--no-sandbox"], timeout: 30_000 });
}
