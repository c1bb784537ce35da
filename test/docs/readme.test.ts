/** The README states contracts that live in code: it must not drift from them. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCAL_OPTIONS } from "../../local/runtime/config.ts";
import { downlinkErrorsMarkdown } from "./downlink-errors-table.ts";

const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");

describe("README", () => {
  it("lists every downlink error exactly as the code defines it", () => {
    expect(readme).toContain(downlinkErrorsMarkdown());
  });

  it.each(Object.entries(LOCAL_OPTIONS))("documents --%s and its environment variable", (name, option) => {
    const row = readme.split("\n").find((line) => line.startsWith(`| \`--${name}\` |`));
    expect(row, `no README row for --${name}`).toBeDefined();
    expect(row).toContain(`\`${option.env}\``);
    const fallback = option.schema.safeParse(undefined);
    if (fallback.success && fallback.data !== undefined) expect(row).toContain(`\`${String(fallback.data)}\``);
  });
});
