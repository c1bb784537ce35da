/**
 * Debian's Chromium driven by playwright-core, for the inspector's browser tests, its screenshots and its
 * benchmark (`.ci/run` installs the browser). `CHROMIUM_PATH` points at another Chromium build.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env["CHROMIUM_PATH"] || DEFAULT_CHROMIUM_PATH;
  if (!existsSync(executablePath)) {
    throw new Error(
      `No Chromium at ${executablePath}: install Debian's (apt-get install chromium, as .ci/run does) or set CHROMIUM_PATH`,
    );
  }
  // --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath, args: ["--no-sandbox"], timeout: 30_000 });
}
