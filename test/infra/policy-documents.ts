/**
 * Finds every IAM policy document in synthesized Terraform JSON: JSON strings anywhere in resources
 * and data sources (inline role policies, trust policies, queue or secret policies) and
 * `aws_iam_policy_document` data sources (HCL-shaped statements), normalized to one shape.
 */
import type { TerraformJson } from "./synthesized-stack.ts";

export interface FoundStatement {
  /** `resource.aws_iam_role.x.assume_role_policy`, … */
  readonly where: string;
  readonly effect: string;
  readonly actions: string[];
  readonly notActions: boolean;
  readonly resources: string[] | undefined;
  readonly notResources: boolean;
  readonly principals: Record<string, string[]> | undefined;
  readonly conditions: Record<string, Record<string, unknown>>;
}

const list = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];

export function policyStatements(json: TerraformJson): FoundStatement[] {
  const found: FoundStatement[] = [];
  for (const [kind, blocks] of [["resource", json.resource] as const, ["data", json.data ?? {}] as const]) {
    for (const [type, instances] of Object.entries(blocks)) {
      for (const [id, body] of Object.entries(instances)) {
        const where = `${kind}.${type}.${id}`;
        if (type === "aws_iam_policy_document") found.push(...hclStatements(where, body));
        else visitStrings(body, where, (path, text) => found.push(...jsonStatements(path, text)));
      }
    }
  }
  return found;
}

function visitStrings(value: unknown, path: string, visit: (path: string, text: string) => void): void {
  if (typeof value === "string") visit(path, value);
  else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) visitStrings(item, `${path}[${index}]`, visit);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) if (key !== "//") visitStrings(item, `${path}.${key}`, visit);
  }
}

function jsonStatements(where: string, text: string): FoundStatement[] {
  if (!text.trimStart().startsWith("{")) return [];
  let document: { Statement?: unknown };
  try {
    document = JSON.parse(text) as { Statement?: unknown };
  } catch {
    return [];
  }
  if (document.Statement === undefined) return [];
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return statements.map((raw: Record<string, unknown>) => {
    const principal = raw["Principal"] as Record<string, unknown> | string | undefined;
    return {
      where,
      effect: String(raw["Effect"]),
      actions: list(raw["Action"]),
      notActions: raw["NotAction"] !== undefined,
      resources: raw["Resource"] === undefined ? undefined : list(raw["Resource"]),
      notResources: raw["NotResource"] !== undefined,
      principals:
        principal === undefined
          ? undefined
          : typeof principal === "string"
            ? { "*": [principal] }
            : Object.fromEntries(Object.entries(principal).map(([type, ids]) => [type, list(ids)])),
      conditions: (raw["Condition"] as Record<string, Record<string, unknown>> | undefined) ?? {},
    };
  });
}

function hclStatements(where: string, body: Record<string, unknown>): FoundStatement[] {
  const statements = Array.isArray(body["statement"]) ? (body["statement"] as Record<string, unknown>[]) : [];
  return statements.map((raw) => {
    const principals = raw["principals"] as { type: string; identifiers: string[] }[] | undefined;
    const conditions: Record<string, Record<string, unknown>> = {};
    for (const condition of (raw["condition"] as { test: string; variable: string; values: string[] }[] | undefined) ??
      []) {
      conditions[condition.test] = { ...conditions[condition.test], [condition.variable]: condition.values };
    }
    return {
      where,
      effect: String(raw["effect"] ?? "Allow"),
      actions: list(raw["actions"]),
      notActions: raw["not_actions"] !== undefined,
      resources: raw["resources"] === undefined ? undefined : list(raw["resources"]),
      notResources: raw["not_resources"] !== undefined,
      principals:
        principals === undefined ? undefined : Object.fromEntries(principals.map((p) => [p.type, p.identifiers])),
      conditions,
    };
  });
}
