/** The shape of a CLI command and what it gets to run with. */
import type { ParseArgsOptionsConfig } from "node:util";
import type { Output } from "./output.ts";
import type { Target } from "./target.ts";

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export interface CommandContext {
  readonly target: Target;
  readonly output: Output;
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  /** Aborted on Ctrl-C or SIGTERM: long-running commands stop cleanly and still summarise. */
  readonly signal: AbortSignal;
}

/** 0: all well; 1: failures found (or the command could not do its work); 2: usage. */
export const EXIT = { ok: 0, failures: 1, usage: 2 } as const;

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** `--help` text after the usage line: arguments, options, what it prints, exit codes. */
  readonly help: string;
  readonly usage: string;
  readonly options: ParseArgsOptionsConfig;
  run(context: CommandContext): Promise<number>;
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}
