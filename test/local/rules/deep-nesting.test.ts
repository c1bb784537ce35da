import { describe, expect, it } from "vitest";
import { compileRule } from "../../../local/rules/index.ts";
import { topicRules } from "../../../workflows/catalogue.ts";
import { textMessage } from "./messages.ts";

/**
 * A message nested thousands of levels deep reaches the local rules engine as any other: our rules
 * select the raw bytes (`encode(*, 'base64')`), so it starts the workflow, where ensure-thing refuses it
 * with InvalidTtsMessage — never a `RangeError: Maximum call stack size exceeded` on the way.
 */
describe("deeply nested messages through our upstream rule", () => {
  const [uplinkRule] = topicRules("test-stack").filter((rule) => rule.workflow === "upstream");

  it.each([4_000, 60_000])("hands a message nested %i deep to the workflow, bytes unchanged", (depth) => {
    if (uplinkRule === undefined) throw new Error("no upstream rule");
    const rule = compileRule(uplinkRule.sql);
    const text = `{"end_device_ids":{},"uplink_message":{"decoded_payload":{"x":${"[".repeat(depth)}${"]".repeat(depth)}}}}`;
    const topic = uplinkRule.sql.match(/FROM '([^']+)'/)?.[1] ?? "";
    const outcome = rule.run(textMessage(topic, text));
    expect(outcome.status).toBe("emitted");
    const selected = rule.evaluate(textMessage(topic, text)) as { payload: string };
    expect(Buffer.from(selected.payload, "base64").toString("utf8")).toBe(text);
  });
});
