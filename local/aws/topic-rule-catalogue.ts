/**
 * The topic rules the local runtime evaluates, as the IoT control plane describes them
 * (`GetTopicRule`, `ListTopicRules`): read-only — the rules come from `workflows/` and are always
 * enabled, as the stack creates them. Each rule's action is the `stepFunctions` action it runs
 * (without a `roleArn`: locally no role is assumed).
 */
import type { TopicRule } from "../../workflows/topic-rule.ts";
import { AwsError } from "./errors.ts";
import { LOCAL_ACCOUNT_ID } from "./local-account.ts";
import { paginate } from "./pagination.ts";

export interface LocalTopicRule {
  readonly rule: TopicRule;
  /** The FROM clause's topic filter. */
  readonly topicPattern: string;
  readonly stateMachineName: string;
}

/** ListTopicRules' `maxResults` range (AWS IoT API Reference, ListTopicRules). */
const MAX_RESULTS = { min: 1, max: 10_000 } as const;

export class TopicRuleCatalogue {
  readonly #rules: ReadonlyMap<string, LocalTopicRule>;
  readonly #region: string;
  readonly #createdAt: number;

  constructor(rules: readonly LocalTopicRule[], options: { region: string; createdAt: Date }) {
    this.#rules = new Map(rules.map((entry) => [entry.rule.name, entry]));
    this.#region = options.region;
    // AWS's JSON timestamps are epoch seconds.
    this.#createdAt = options.createdAt.getTime() / 1000;
  }

  /**
   * AWS IoT documents no not-found error for GetTopicRule (AWS IoT API Reference, GetTopicRule,
   * "Errors": InternalException, InvalidRequestException, ServiceUnavailableException,
   * UnauthorizedException): a rule the account does not have is not authorized.
   */
  getTopicRule(ruleName: string): unknown {
    const entry = this.#rules.get(ruleName);
    if (entry === undefined) {
      throw new AwsError("UnauthorizedException", `Access to rule ${ruleName} is not authorized`, 401);
    }
    const { rule, stateMachineName } = entry;
    return {
      ruleArn: this.#arn(rule.name),
      rule: {
        ruleName: rule.name,
        sql: rule.sql,
        description: rule.description,
        createdAt: this.#createdAt,
        actions: [{ stepFunctions: { stateMachineName, executionNamePrefix: rule.executionNamePrefix } }],
        ruleDisabled: false,
        awsIotSqlVersion: rule.sqlVersion,
      },
    };
  }

  listTopicRules(options: {
    topic?: string | undefined;
    ruleDisabled?: boolean | undefined;
    maxResults?: number | undefined;
    nextToken?: string | undefined;
  }): unknown {
    const maxResults = options.maxResults ?? MAX_RESULTS.max;
    if (!Number.isInteger(maxResults) || maxResults < MAX_RESULTS.min || maxResults > MAX_RESULTS.max) {
      throw new AwsError("InvalidRequestException", `maxResults must be between 1 and ${MAX_RESULTS.max}`, 400);
    }
    // Every local rule is enabled: asking for the disabled ones lists none.
    const matching = [...this.#rules.values()].filter(
      (entry) => (options.topic === undefined || entry.topicPattern === options.topic) && options.ruleDisabled !== true,
    );
    const page = paginate(matching, maxResults, options.nextToken);
    return {
      rules: page.items.map(({ rule, topicPattern }) => ({
        ruleArn: this.#arn(rule.name),
        ruleName: rule.name,
        topicPattern,
        createdAt: this.#createdAt,
        ruleDisabled: false,
      })),
      ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }),
    };
  }

  #arn(ruleName: string): string {
    return `arn:aws:iot:${this.#region}:${LOCAL_ACCOUNT_ID}:rule/${ruleName}`;
  }
}
