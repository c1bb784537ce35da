import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // End-to-end tests start brokers and HTTP servers on free ports; keep a generous ceiling
    // so a loaded CI machine does not turn slowness into failures.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
