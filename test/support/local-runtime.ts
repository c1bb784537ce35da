/** The embedded default as the end-to-end tests run it: stack "e2e", and a vitest-managed runtime per file. */
import { afterAll, beforeAll } from "vitest";
import { startEmbeddedRuntime, temporaryDataDir } from "../../local/harness/embedded-runtime.ts";
import type { LocalConfig } from "../../local/runtime/config.ts";
import type { LocalRuntime, RuntimeHooks } from "../../local/runtime/runtime.ts";

export function startTestRuntime(
  overrides: Partial<LocalConfig> & { dataDir: string },
  hooks: RuntimeHooks = {},
): Promise<LocalRuntime> {
  return startEmbeddedRuntime({ stackName: "e2e", ...overrides }, hooks);
}

/**
 * One runtime for all tests of the calling file, on a temporary data dir removed afterwards.
 * Read `ctx.runtime` inside tests and hooks.
 */
export function useTestRuntime(
  overrides: Partial<LocalConfig> = {},
  hooks: RuntimeHooks = {},
): { readonly runtime: LocalRuntime } {
  const dataDir = temporaryDataDir();
  const ctx = {} as { runtime: LocalRuntime };
  beforeAll(async () => {
    ctx.runtime = await startTestRuntime({ dataDir: dataDir.path, ...overrides }, hooks);
  });
  afterAll(async () => {
    await ctx.runtime?.close();
    dataDir.remove();
  });
  return ctx;
}
