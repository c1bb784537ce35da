/**
 * `bench/results.md` is shared by several benchmarks: each owns one `## <title>` section and rewrites
 * only that one, keeping the others. Every row shows the figure this run measured beside the figure the
 * previous run wrote in the same section (by measure name), so a change is visible in the diff and the file.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const RESULTS_FILE = join(import.meta.dirname, "results.md");
const HEADER =
  "# Benchmark results\n\nWritten by `npm run bench`; each section by its own benchmark. `previous` is the figure of the run before.\n";

export interface ResultsSection {
  /** Section heading, e.g. "Embedded default, end to end". */
  readonly title: string;
  /** Printed under the heading: machine, date, parameters. */
  readonly preface: string;
  readonly rows: readonly (readonly [measure: string, value: string])[];
  /** Printed under the table, e.g. how to run this benchmark alone. */
  readonly footer?: string;
}

interface ParsedSection {
  readonly title: string;
  readonly text: string;
}

function parseSections(markdown: string): ParsedSection[] {
  const sections: ParsedSection[] = [];
  const parts = markdown.split(/^## /m).slice(1);
  for (const part of parts) {
    const newline = part.indexOf("\n");
    const title = (newline === -1 ? part : part.slice(0, newline)).trim();
    sections.push({ title, text: `## ${part.trimEnd()}\n` });
  }
  return sections;
}

/** `measure → value` of a section's table; the value column is the second one. */
export function previousFigures(sectionText: string): Map<string, string> {
  const figures = new Map<string, string>();
  for (const line of sectionText.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    // | measure | value | previous |  →  ["", measure, value, previous, ""]
    if (cells.length < 4 || cells[1] === "measure" || /^-+$/.test(cells[1] ?? "")) continue;
    figures.set(cells[1]!, cells[2]!);
  }
  return figures;
}

export function renderSection(section: ResultsSection, previous: ReadonlyMap<string, string>): string {
  // Read back, a row's name has lost the spaces that indent a sub-row.
  const rows = section.rows.map(([measure, value]) => [measure, value, previous.get(measure.trim()) ?? "—"] as const);
  const widths = [0, 1, 2].map((column) =>
    Math.max(...rows.map((row) => row[column]!.length), ["measure", "value", "previous"][column]!.length),
  );
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  const table = [
    line(["measure", "value", "previous"]),
    line(widths.map((width) => "-".repeat(width))),
    ...rows.map(line),
  ].join("\n");
  const footer = section.footer === undefined ? "" : `\n${section.footer}\n`;
  return `## ${section.title}\n\n${section.preface}\n\n${table}\n${footer}`;
}

/** Replaces (or appends) this section of `bench/results.md`; returns the rendered table section. */
export function writeResultsSection(section: ResultsSection, file = RESULTS_FILE): string {
  const existing = existsSync(file) ? parseSections(readFileSync(file, "utf8")) : [];
  const old = existing.find((candidate) => candidate.title === section.title);
  const rendered = renderSection(section, old === undefined ? new Map() : previousFigures(old.text));
  const sections =
    old === undefined
      ? [...existing.map((s) => s.text), rendered]
      : existing.map((s) => (s === old ? rendered : s.text));
  writeFileSync(file, `${HEADER}\n${sections.join("\n")}`);
  return rendered;
}
