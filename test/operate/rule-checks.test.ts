/** doctor's topic rule check: every rule of the catalogue exists and is enabled. */
import { describe, expect, it } from "vitest";
import { checkTopicRules } from "../../operate/doctor/rule-checks.ts";
import { topicRules } from "../../workflows/catalogue.ts";

const NAMES = topicRules("prod").map((rule) => rule.name);
const fixes = { deploy: "deploy it", enable: (name: string) => `enable ${name}` };
const deployed = (disabled: (name: string) => boolean = () => false) =>
  new Map(NAMES.map((name) => [name, disabled(name)]));

describe("checkTopicRules", () => {
  it("✓ when every rule exists and is enabled; other stacks' rules do not matter", () => {
    const rules = deployed();
    rules.set("tts_other_uplink", true);
    expect(checkTopicRules(NAMES, rules, fixes)).toEqual({
      check: "topic rules",
      ok: true,
      detail: `all ${NAMES.length} exist and are enabled`,
    });
  });

  it("✗ for a disabled rule, with the command that enables it", () => {
    const [first] = NAMES;
    expect(
      checkTopicRules(
        NAMES,
        deployed((name) => name === first),
        fixes,
      ),
    ).toEqual({
      check: "topic rules",
      ok: false,
      detail: `disabled (their messages are dropped): ${first}`,
      fix: `enable ${first}`,
    });
  });

  it("✗ for missing rules, with the deploy fix", () => {
    const rules = deployed();
    rules.delete(NAMES[1]!);
    expect(checkTopicRules(NAMES, rules, fixes)).toMatchObject({
      ok: false,
      detail: `missing: ${NAMES[1]}`,
      fix: "deploy it",
    });
  });
});
