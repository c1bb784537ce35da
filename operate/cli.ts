/**
 * `tts-aws-iot <command> [options]`: operator commands that work the same against a deployed stack
 * (`--environment`) and the embedded default (`--local`, `--endpoint-url`).
 */
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import type { Environment } from "../functions/runtime/aws-clients.ts";
import { type Command, EXIT, stringOption } from "./command.ts";
import { doctorCommand } from "./doctor/doctor-command.ts";
import { executionsCommand } from "./executions/executions-command.ts";
import { processOutput } from "./output.ts";
import { PROGRAM } from "./program.ts";
import { replayCommand } from "./replay/replay-command.ts";
import { resolveTarget } from "./target.ts";
import { UsageError } from "./usage-error.ts";
import { verifyCommand } from "./verify/verify-command.ts";

const COMMANDS: readonly Command[] = [doctorCommand, verifyCommand, executionsCommand, replayCommand];

const GLOBAL_OPTIONS = {
  environment: { type: "string" },
  "endpoint-url": { type: "string" },
  local: { type: "boolean" },
  "stack-name": { type: "string" },
  region: { type: "string" },
  "tts-url": { type: "string" },
  "tts-application": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsOptionsConfig;

const GLOBAL_HELP = `Where (one of):
  --environment <name>   a deployment of tts-aws-iot.config.json (its stack name and region; AWS
                         credentials from the usual places: AWS_PROFILE, SSO, environment, role)
  --local                the embedded default (npm start) on http://127.0.0.1:4566
  --endpoint-url <url>   any AWS-compatible endpoint (needs --stack-name or --environment)
Also:
  --stack-name <name>    override the stack name (with --local: the one npm start runs, default "local")
  --region <region>      override the region
  --tts-url <url>        override the TTS cluster URL (doctor's TTS checks)
  --tts-application <id> override the TTS application (with a bare --endpoint-url: give both)
  --json                 machine-readable output
  -h, --help             this help

Exit codes: 0 all well, 1 failures found (or the command could not do its work), 2 usage.`;

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "Commands:",
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    GLOBAL_HELP,
    "",
    `${PROGRAM} <command> --help describes a command.`,
  ].join("\n");
}

function commandHelp(command: Command): string {
  return [`Usage: ${PROGRAM} ${command.usage} [where] [--json]`, "", command.help, "", GLOBAL_HELP].join("\n");
}

export async function runCli(argv: readonly string[], env: Environment, signal: AbortSignal): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${mainHelp()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  try {
    if (command === undefined) throw new UsageError(`unknown command ${name}`);
    const { values, positionals } = parseArgs({
      args: [...rest],
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) {
      process.stdout.write(`${commandHelp(command)}\n`);
      return EXIT.ok;
    }
    const target = resolveTarget(
      {
        environment: stringOption(values, "environment"),
        endpointUrl: stringOption(values, "endpoint-url"),
        local: values.local === true,
        stackName: stringOption(values, "stack-name"),
        region: stringOption(values, "region"),
        ttsUrl: stringOption(values, "tts-url"),
        ttsApplication: stringOption(values, "tts-application"),
      },
      env,
    );
    return await command.run({ target, output: processOutput(values.json === true), values, positionals, signal });
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      const help = command === undefined ? `${PROGRAM} --help` : `${PROGRAM} ${command.name} --help`;
      process.stderr.write(`${PROGRAM}: ${(error as Error).message}\nRun ${help}.\n`);
      return EXIT.usage;
    }
    const { name: errorName, message } = error as Error;
    process.stderr.write(`${PROGRAM} ${name}: ${errorName}: ${message}\n`);
    return EXIT.failures;
  }
}

/** node:util parseArgs reports unknown options and missing values with these codes. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}
