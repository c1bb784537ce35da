/**
 * `doctor`'s topic rule check: every rule of the catalogue exists and is enabled (ListTopicRules gives
 * both for all rules in one paginated read; GetTopicRule would answer UnauthorizedException for a
 * missing rule, which is indistinguishable from missing permissions).
 */
import { type IoTClient, paginateListTopicRules } from "@aws-sdk/client-iot";
import { type CheckResult, failed, passed } from "./checks.ts";

/** Each deployed rule's name and whether it is disabled. */
export async function listedTopicRules(iot: IoTClient): Promise<ReadonlyMap<string, boolean>> {
  const rules = new Map<string, boolean>();
  for await (const page of paginateListTopicRules({ client: iot }, {})) {
    for (const rule of page.rules ?? []) {
      if (rule.ruleName !== undefined) rules.set(rule.ruleName, rule.ruleDisabled === true);
    }
  }
  return rules;
}

export function checkTopicRules(
  expected: readonly string[],
  deployed: ReadonlyMap<string, boolean>,
  fixes: { readonly deploy: string; readonly enable: (ruleName: string) => string },
): CheckResult {
  const check = "topic rules";
  const missing = expected.filter((name) => !deployed.has(name));
  const disabled = expected.filter((name) => deployed.get(name) === true);
  if (missing.length === 0 && disabled.length === 0) {
    return passed(check, `all ${expected.length} exist and are enabled`);
  }
  const detail = [
    ...(missing.length === 0 ? [] : [`missing: ${missing.join(", ")}`]),
    ...(disabled.length === 0 ? [] : [`disabled (their messages are dropped): ${disabled.join(", ")}`]),
  ].join("; ");
  const fix = missing.length > 0 ? fixes.deploy : disabled.map(fixes.enable).join("; ");
  return failed(check, detail, fix);
}
