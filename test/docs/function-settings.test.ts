/** The README's table of function settings must say what `functions/settings.ts` defines. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SETTINGS } from "../../functions/settings.ts";
import { functionSettingsMarkdown, functionSettingsRows } from "./function-settings-table.ts";

const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");

function readmeTable(heading: string): string {
  const section = readme.split("\n## ").find((candidate) => candidate.startsWith(heading));
  if (section === undefined) throw new Error(`README has no section "## ${heading}"`);
  return section
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .join("\n");
}

describe("README function settings", () => {
  it("lists every variable of every function with its default and meaning", () => {
    expect(readmeTable("Function settings")).toBe(functionSettingsMarkdown());
  });

  it("has a row for each variable each function reads", () => {
    const rows = functionSettingsRows();
    for (const [name, schema] of Object.entries(SETTINGS)) {
      for (const variable of Object.keys(schema.shape)) {
        expect(
          rows.some((row) => row.variable === variable && row.functions.includes(name as never)),
          `${variable} of ${name}`,
        ).toBe(true);
      }
    }
  });
});
