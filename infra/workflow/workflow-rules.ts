/**
 * The IoT topic rules that start one workflow (from `topicRules()`), their role and their dead-letter
 * queue. The error action only fires when *starting* the execution fails; failures inside the
 * workflow are the ASL's business (Catch → Failed, visible in the execution logs).
 */
import { IotTopicRule } from "@cdktf/provider-aws/lib/iot-topic-rule/index.js";
import { Construct } from "constructs";
import { deadLetterQueueName } from "../../workflows/dead-letter-queue.ts";
import type { TopicRule } from "../../workflows/topic-rule.ts";
import type { Account } from "../account.ts";
import { allow } from "../iam/policy-document.ts";
import { ServiceRole } from "../iam/service-role.ts";
import { escapeTerraformTemplate } from "../terraform-strings.ts";
import { DeadLetterQueue } from "./dead-letter-queue.ts";
import type { WorkflowStateMachine } from "./workflow-state-machine.ts";

export interface WorkflowRulesProps {
  readonly rules: readonly TopicRule[];
  readonly target: WorkflowStateMachine;
  readonly account: Account;
}

export class WorkflowRules extends Construct {
  readonly deadLetters: DeadLetterQueue;
  readonly role: ServiceRole;
  readonly rules: IotTopicRule[];

  constructor(scope: Construct, id: string, props: WorkflowRulesProps) {
    super(scope, id);
    const { target } = props;

    this.deadLetters = new DeadLetterQueue(this, "dead-letters", { queueName: deadLetterQueueName(target.name) });

    this.role = new ServiceRole(this, "rules", {
      roleName: `${target.name}-rules`,
      description: `IoT rules of ${target.name}: start it, or dead-letter the message`,
      service: "iot.amazonaws.com",
      sourceAccount: props.account.accountId,
      statements: [
        allow(["states:StartExecution"], [target.stateMachine.arn], "StartOwnWorkflow"),
        allow(["sqs:SendMessage"], [this.deadLetters.queue.arn], "DeadLetterUnstartedMessages"),
      ],
    });

    this.rules = props.rules.map(
      (rule) =>
        new IotTopicRule(this, rule.name, {
          name: rule.name,
          description: escapeTerraformTemplate(rule.description),
          enabled: true,
          sql: escapeTerraformTemplate(rule.sql),
          sqlVersion: rule.sqlVersion,
          stepFunctions: [
            {
              stateMachineName: target.stateMachine.name,
              executionNamePrefix: rule.executionNamePrefix,
              roleArn: this.role.arn,
            },
          ],
          errorAction: {
            sqs: { queueUrl: this.deadLetters.queue.url, roleArn: this.role.arn, useBase64: false },
          },
          dependsOn: [this.role.policy],
        }),
    );
  }
}
