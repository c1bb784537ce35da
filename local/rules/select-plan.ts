/** The output shape of a SELECT list: whether the payload's fields are merged in, then named columns. */
import type { Expression, SelectItem } from "./ast.ts";
import type { Fail } from "./functions.ts";

export interface Column {
  readonly name: string;
  readonly expression: Expression;
}

export interface SelectPlan {
  /** `SELECT *`: the payload object's fields, overridden by same-named columns. */
  readonly includesPayload: boolean;
  readonly columns: readonly Column[];
}

export function planSelect(items: readonly SelectItem[], fail: Fail): SelectPlan {
  let includesPayload = false;
  const columns: Column[] = [];
  for (const item of items) {
    if (item.kind === "all") {
      if (includesPayload) fail(item.offset, `"*" appears twice in the select list`);
      includesPayload = true;
      continue;
    }
    const name = item.alias ?? defaultName(item.expression);
    if (name === undefined)
      fail(item.offset, "this select item needs an alias (AS name): only field references get a default name here");
    if (columns.some((column) => column.name === name))
      fail(item.offset, `the output name "${name}" is selected twice`);
    columns.push({ name, expression: item.expression });
  }
  return { includesPayload, columns };
}

/** AWS names `a.b.c` after its last field, `c`. Other expressions' default names are not modelled. */
function defaultName(expression: Expression): string | undefined {
  if (expression.kind !== "path") return undefined;
  const last = expression.segments.at(-1);
  return last !== undefined && "field" in last ? last.field : undefined;
}
