/**
 * The IoT control plane's topic rule reads, pinned to the AWS IoT API Reference:
 * GetTopicRule (https://docs.aws.amazon.com/iot/latest/apireference/API_GetTopicRule.html) answers
 * `{ruleArn, rule: {ruleName, sql, actions, ruleDisabled, awsIotSqlVersion, …}}` and documents no
 * not-found error, only InternalException, InvalidRequestException, ServiceUnavailableException and
 * UnauthorizedException (401); ListTopicRules
 * (https://docs.aws.amazon.com/iot/latest/apireference/API_ListTopicRules.html) answers
 * `{rules: [TopicRuleListItem], nextToken}`, filters by `topic` and `ruleDisabled`, `maxResults` 1–10000.
 */
import {
  GetTopicRuleCommand,
  InvalidRequestException,
  ListTopicRulesCommand,
  paginateListTopicRules,
  UnauthorizedException,
} from "@aws-sdk/client-iot";
import { describe, expect, it } from "vitest";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../../../local/aws/local-account.ts";
import { compileRule } from "../../../local/rules/index.ts";
import { stateMachineName, topicRules } from "../../../workflows/catalogue.ts";
import { useEndpointFixture } from "./endpoint-fixture.ts";

const RULES = topicRules("prod");
const ctx = useEndpointFixture(() => ({
  topicRules: RULES.map((rule) => ({
    rule,
    topicPattern: compileRule(rule.sql).topicFilter,
    stateMachineName: stateMachineName("prod", rule.workflow),
  })),
}));

describe("GetTopicRule", () => {
  it("describes a rule: its SQL, its Step Functions action, enabled", async () => {
    const [first] = RULES;
    const found = await ctx.f.iot.send(new GetTopicRuleCommand({ ruleName: first!.name }));
    expect(found.ruleArn).toBe(`arn:aws:iot:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:rule/${first!.name}`);
    expect(found.rule).toMatchObject({
      ruleName: first!.name,
      sql: first!.sql,
      awsIotSqlVersion: "2016-03-23",
      ruleDisabled: false,
      actions: [
        {
          stepFunctions: {
            stateMachineName: stateMachineName("prod", first!.workflow),
            executionNamePrefix: first!.executionNamePrefix,
          },
        },
      ],
    });
    expect(found.rule?.createdAt).toBeInstanceOf(Date);
  });

  it("a rule the account does not have: UnauthorizedException (401), the only fitting documented error", async () => {
    const error = await ctx.f.iot.send(new GetTopicRuleCommand({ ruleName: "no_such_rule" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect((error as UnauthorizedException).$metadata.httpStatusCode).toBe(401);
  });
});

describe("ListTopicRules", () => {
  it("lists every rule, enabled, with its topic pattern; pages with nextToken", async () => {
    const names: string[] = [];
    for await (const page of paginateListTopicRules({ client: ctx.f.iot, pageSize: 2 }, {})) {
      expect(page.rules!.length).toBeLessThanOrEqual(2);
      for (const rule of page.rules ?? []) {
        expect(rule.ruleDisabled).toBe(false);
        expect(rule.topicPattern).toMatch(/^[^ ]+$/);
        names.push(rule.ruleName!);
      }
    }
    expect(names).toEqual(RULES.map((rule) => rule.name));
  });

  it("filters by topic and by ruleDisabled", async () => {
    const pattern = compileRule(RULES[0]!.sql).topicFilter;
    const byTopic = await ctx.f.iot.send(new ListTopicRulesCommand({ topic: pattern }));
    expect(byTopic.rules?.map((rule) => rule.ruleName)).toContain(RULES[0]!.name);
    expect(byTopic.rules?.every((rule) => rule.topicPattern === pattern)).toBe(true);
    const disabled = await ctx.f.iot.send(new ListTopicRulesCommand({ ruleDisabled: true }));
    expect(disabled.rules).toEqual([]);
  });

  it("maxResults outside 1–10000: InvalidRequestException", async () => {
    const error = await ctx.f.iot.send(new ListTopicRulesCommand({ maxResults: 10_001 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestException);
  });
});
