/**
 * The application side's one rule: downlink requests on `lorawan/downlink` start the downlink
 * workflow. Every deployment in an account has this rule on the same topic; each acts only on its
 * own things (see the workflow's `IsOurThing`).
 */

import { DOWNLINK_REQUEST_TOPIC } from "../functions/core/downlink/request.ts";
import { ruleName, SELECT_RULE_EVENT, SQL_VERSION, type TopicRule } from "./topic-rule.ts";

export function downlinkRules(stackName: string): TopicRule[] {
  return [
    {
      name: ruleName("app", stackName, "downlink"),
      description: `Application downlink requests on ${DOWNLINK_REQUEST_TOPIC} → downlink workflow of stack ${stackName}`,
      sql: `${SELECT_RULE_EVENT} FROM '${DOWNLINK_REQUEST_TOPIC}'`,
      sqlVersion: SQL_VERSION,
      workflow: "downlink",
      executionNamePrefix: "downlink-request",
    },
  ];
}
