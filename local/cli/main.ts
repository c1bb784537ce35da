/**
 * `npm start -- [options]`: the embedded default. Options and their environment variables are
 * listed by `npm start -- --help`.
 */
import { parseArgs } from "node:util";
import { thingNameFor } from "../../functions/core/thing-name.ts";
import {
  ConfigError,
  LOCAL_OPTIONS,
  type LocalConfig,
  type LocalOptionName,
  resolveConfig,
} from "../runtime/config.ts";
import { type LocalRuntime, type ShutdownReport, startLocalRuntime } from "../runtime/runtime.ts";
import { banner } from "./banner.ts";
import { executionLine } from "./execution-line.ts";

function usage(): string {
  const rows = Object.entries(LOCAL_OPTIONS).map(([name, option]) => {
    const fallback = option.schema.safeParse(undefined);
    const defaultText = fallback.success && fallback.data !== undefined ? ` (default ${String(fallback.data)})` : "";
    return `  --${name.padEnd(18)} ${option.env.padEnd(18)} ${option.help}${defaultText}`;
  });
  return [
    "Usage: npm start -- [options]",
    "",
    "  option               environment        meaning",
    ...rows,
    "  --help                                  this text",
  ].join("\n");
}

const COMMAND_LINE = {
  options: {
    ...Object.fromEntries(Object.keys(LOCAL_OPTIONS).map((name) => [name, { type: "string" as const }])),
    help: { type: "boolean" as const },
  },
  strict: true,
  allowPositionals: false,
};

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<typeof COMMAND_LINE>>;
  try {
    parsed = parseArgs(COMMAND_LINE);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage()}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(usage());
    return 0;
  }

  let config: LocalConfig;
  try {
    config = resolveConfig(parsed.values as Partial<Record<LocalOptionName, string>>, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }

  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime(config, {
      onExecution: (summary) => console.log(executionLine(summary)),
      onRuleFailure: (failure) =>
        console.error(
          failure.stage === "action"
            ? `rule ${failure.rule} could not start its workflow for ${failure.topic} (dead-lettered): ${failure.error.message}`
            : `rule ${failure.rule} could not evaluate a message on ${failure.topic}: ${failure.error.message}`,
        ),
    });
  } catch (error) {
    console.error(`Could not start: ${(error as Error).message}`);
    return 1;
  }

  const firstDevice = runtime.simulator?.devices[0];
  console.log(
    banner(runtime, firstDevice && thingNameFor(firstDevice.endDeviceIds, config.thingNameScheme, config.stackName)),
  );

  const stopped = new Promise<ShutdownReport>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        console.error("Stopping already; press Ctrl-C again in a moment to force.");
        process.exitCode = 130;
        process.once(signal, () => process.exit(130));
        return;
      }
      stopping = true;
      console.log(
        `\n${signal}: taking no more messages, finishing ${runtime.workflows.running} running executions, saving state…`,
      );
      void runtime.close().then(resolve);
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
  });
  const { drained, leftQueued } = await stopped;
  const { uplinks, joins } = runtime.simulator?.stats() ?? { joins: 0, uplinks: 0 };
  console.log(
    `Stopped: drained ${drained} executions, ${leftQueued} left queued for the next start; ` +
      `simulated ${joins} joins and ${uplinks} uplinks; state kept in ${runtime.dataDir}.`,
  );
  return 0;
}

const exitCode = await main();
// Exit rather than wait for the event loop to empty: an execution the shutdown cut short may still
// have a Lambda call or a timer in flight, and it runs again at the next start anyway.
process.stdout.write("", () => process.exit(exitCode));
