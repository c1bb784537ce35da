/** The README's "Function settings" table, generated from the one definition of each function's settings. */
import { z } from "zod";
import type { FunctionName } from "../../functions/catalogue.ts";
import { SETTINGS } from "../../functions/settings.ts";

interface Row {
  readonly variable: string;
  readonly functions: FunctionName[];
  readonly fallback: string;
  readonly meaning: string;
}

interface VariableSchema {
  readonly default?: unknown;
  readonly description?: string;
}

/** One row per variable, or per variable and default where functions give it different defaults. */
export function functionSettingsRows(): Row[] {
  const rows = new Map<string, Row[]>();
  for (const name of Object.keys(SETTINGS) as FunctionName[]) {
    // The input side: defaults as written in the environment (`on`, not `true`).
    const schema = z.toJSONSchema(SETTINGS[name], { io: "input", unrepresentable: "any" });
    const properties = (schema.properties ?? {}) as Record<string, VariableSchema>;
    for (const [variable, property] of Object.entries(properties)) {
      const fallback = schema.required?.includes(variable)
        ? "(required)"
        : property.default === undefined
          ? "—"
          : `\`${String(property.default)}\``;
      const meaning = property.description ?? "";
      const same = rows.get(variable) ?? [];
      const row = same.find((candidate) => candidate.fallback === fallback && candidate.meaning === meaning);
      if (row !== undefined) row.functions.push(name);
      else rows.set(variable, [...same, { variable, functions: [name], fallback, meaning }]);
    }
  }
  return [...rows.values()].flat();
}

export function functionSettingsMarkdown(): string {
  return [
    "| variable | function | default | meaning |",
    "|---|---|---|---|",
    ...functionSettingsRows().map(
      ({ variable, functions, fallback, meaning }) =>
        `| \`${variable}\` | ${functions.join(", ")} | ${fallback} | ${meaning} |`,
    ),
  ].join("\n");
}
