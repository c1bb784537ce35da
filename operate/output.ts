/**
 * What commands print: aligned tables and checklists for people, `--json` for scripts. Colours come from
 * Node's `styleText`, which leaves them out when the stream is not a terminal or NO_COLOR is set.
 */
import { styleText } from "node:util";

export type Style = Parameters<typeof styleText>[0];

export interface Output {
  readonly json: boolean;
  line(text?: string): void;
  /** Notes for people (stderr), so that stdout stays parseable. */
  note(text: string): void;
  style(format: Style, text: string): string;
  printJson(value: unknown): void;
}

export function processOutput(json: boolean): Output {
  return {
    json,
    line: (text = "") => process.stdout.write(`${text}\n`),
    note: (text) => process.stderr.write(`${text}\n`),
    style: (format, text) => styleText(format, text, { stream: process.stdout }),
    printJson: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd();
  return [render(header), ...rows.map(render)];
}
