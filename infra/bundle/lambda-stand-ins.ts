/**
 * An esbuild plugin that gives a Lambda bundle small stand-ins for the SDK modules a function on
 * Lambda never runs. The SDK loads them with `import()`; in a one-file bundle esbuild would inline
 * them into `index.mjs`, which every cold start parses, and with code splitting they became chunks,
 * each one more module for Node to resolve, read and link (~0.5 ms each; docs/deploy.md). With the
 * stand-ins neither happens: one file, without them. Hand-written: esbuild has no option for it.
 *
 * - `@aws-sdk/credential-provider-node`, the default credential chain, becomes the environment's
 *   provider alone (`fromEnv`). Lambda hands every function its role's credentials in
 *   `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`; the chain's other links
 *   (profiles, SSO, processes, web identity, container and instance metadata) and the STS and SSO
 *   clients behind them never run there. `clientConfig` passes those variables as the client's
 *   credentials, so this chain only runs without them, and fails with the SDK's own
 *   `CredentialsProviderError`.
 * - `@smithy/core/event-streams`, which the protocol loads only for an operation that streams events,
 *   fails to load with `EventStreamsNotBundled`: no operation a function calls streams events.
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";

const NAMESPACE = "lambda-stand-in";

/** Where the stand-ins' own imports resolve from: inside the chain's package, as its `fromEnv` import does. */
const CREDENTIAL_PROVIDER_DIRECTORY = dirname(fileURLToPath(import.meta.resolve("@aws-sdk/credential-provider-node")));

const STAND_INS: Readonly<Record<string, string>> = {
  "@aws-sdk/credential-provider-node": `export { fromEnv as defaultProvider } from "@aws-sdk/credential-provider-env";`,
  "@smithy/core/event-streams": `class EventStreamsNotBundled extends Error { name = "EventStreamsNotBundled"; }
throw new EventStreamsNotBundled("event streams are not in this Lambda bundle (infra/bundle/lambda-stand-ins.ts)");`,
};

export const lambdaStandIns: Plugin = {
  name: "lambda-stand-ins",
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, (args) => ({
      path: args.path,
      namespace: NAMESPACE,
    }));
    // Only the protocol's `import()`: a client that needs event streams imports them statically.
    build.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, (args) =>
      args.kind === "dynamic-import" ? { path: args.path, namespace: NAMESPACE } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
      const contents = STAND_INS[args.path];
      if (contents === undefined) throw new Error(`no stand-in for ${args.path}`);
      return { contents, loader: "js", resolveDir: CREDENTIAL_PROVIDER_DIRECTORY };
    });
  },
};
