import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // End-to-end tests start brokers and HTTP servers on free ports; keep a generous ceiling
    // so a loaded CI machine does not turn slowness into failures.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Vitest's default, cores − 1, is a single worker on a 2-core machine; all cores measured 8 s instead
    // of 11 s for unit, 21 s instead of 28 s for e2e (their workers wait on sockets and child processes).
    maxWorkers: "100%",
    projects: [
      // The fast loop (`npm run test:unit`): pure code, handlers with mocked SDKs, focused stack
      // synths, and each part of the local twin on its own.
      // Files share one module graph per worker (isolate: false), which cuts the run to a third: a file
      // that changes something global puts it back (SDK client mocks: `mock.restore()` in afterAll).
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/e2e/**"], isolate: false },
      },
      // Whole systems and real artifacts: the embedded default over MQTT, the AWS CLI against the
      // endpoint, the esbuild bundles, `node main.ts`.
      { extends: true, test: { name: "e2e", include: ["test/e2e/**/*.test.ts"] } },
    ],
  },
});
