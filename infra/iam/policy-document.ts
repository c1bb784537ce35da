/**
 * IAM policy documents as plain data, rendered to JSON strings at synth time. Terraform references
 * inside (ARNs of our resources) stay `${…}` interpolations in the string, so the synthesized JSON
 * can be read and checked by tests without running Terraform.
 */
export type Condition = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Condition;
}

export interface TrustStatement {
  readonly Effect: "Allow";
  readonly Principal: { readonly Service: string } | { readonly AWS: string };
  readonly Action: "sts:AssumeRole";
  readonly Condition?: Condition;
}

export function allow(actions: readonly string[], resources: readonly string[], sid?: string): PolicyStatement {
  return {
    ...(sid !== undefined ? { Sid: sid } : {}),
    Effect: "Allow",
    Action: [...actions],
    Resource: [...resources],
  };
}

export function policyDocument(statements: readonly (PolicyStatement | TrustStatement)[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/**
 * Actions AWS only authorizes on `Resource: "*"`. Every use of `*` in this stack comes from here,
 * and the IAM test allows `*` for exactly these actions.
 */
export const WILDCARD_ONLY_ACTIONS = {
  /**
   * Step Functions' CloudWatch Logs delivery, as AWS documents it (and CDK grants it): the
   * `*LogDelivery` actions have no resource-level permissions; the three resource-policy and
   * describe actions could be scoped to the account's log ARNs, but Step Functions checks them when
   * the state machine is created, and AWS's own policy uses `*` — not narrowed without a real deploy.
   */
  stepFunctionsLogDelivery: [
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
  ],
  /** X-Ray segment upload (Lambda active tracing needs only these): no resource-level permissions exist. */
  xRayWrite: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
  /** X-Ray sampling decisions, which Step Functions tracing also makes: no resource-level permissions. */
  xRaySampling: ["xray:GetSamplingRules", "xray:GetSamplingTargets"],
  /** TTS looks up the account's IoT endpoint; DescribeEndpoint has no resource type. */
  iotDescribeEndpoint: ["iot:DescribeEndpoint"],
} as const;

export const ALL_WILDCARD_ONLY_ACTIONS: readonly string[] = Object.values(WILDCARD_ONLY_ACTIONS).flat();
