/**
 * One workflow of the catalogue as an Express state machine. Its definition is the catalogue's own
 * ASL object, built with the deployed functions' ARNs and serialized as is: no copy to drift.
 * Execution history of Express workflows exists only in CloudWatch Logs, hence the log group with
 * the configured level (ALL + execution data shows each state's input/output in the console).
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group/index.js";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine/index.js";
import { Construct } from "constructs";
import type { FunctionName } from "../../functions/catalogue.ts";
import {
  stateMachineLogGroupName,
  stateMachineName,
  stateMachineRoleName,
  WORKFLOWS,
} from "../../workflows/catalogue.ts";
import type { WorkflowName } from "../../workflows/workflow-types.ts";
import type { Account } from "../account.ts";
import type { EnvironmentConfig } from "../config/environment-schema.ts";
import { allow, WILDCARD_ONLY_ACTIONS } from "../iam/policy-document.ts";
import { ServiceRole } from "../iam/service-role.ts";
import { assertNoTemplateSyntax } from "../terraform-strings.ts";
import { stateMachinePermissions } from "./state-machine-permissions.ts";

export interface WorkflowStateMachineProps {
  readonly workflow: WorkflowName;
  readonly config: EnvironmentConfig;
  readonly account: Account;
  /** The deployed ARN of every function of the catalogue. */
  /** The deployed functions' ARNs (not every catalogue function is deployed in every environment). */
  readonly functionArns: Readonly<Partial<Record<FunctionName, string>>>;
}

export class WorkflowStateMachine extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly name: string;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: ServiceRole;

  constructor(scope: Construct, id: string, props: WorkflowStateMachineProps) {
    super(scope, id);
    const { config, workflow, functionArns } = props;
    this.name = stateMachineName(config.stackName, workflow);

    const arnOf = (name: FunctionName): string => {
      const arn = functionArns[name];
      if (arn === undefined)
        throw new Error(`workflow ${workflow} invokes ${name}, which this environment does not deploy`);
      return arn;
    };
    const definition = WORKFLOWS[workflow].definition(arnOf, { stackName: config.stackName });
    const definitionJson = JSON.stringify(definition);
    assertNoTemplateSyntax(`workflow ${workflow}'s ASL`, definitionJson);

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: stateMachineLogGroupName(this.name),
      retentionInDays: config.logRetentionDays,
    });

    this.role = new ServiceRole(this, "execution", {
      roleName: stateMachineRoleName(this.name),
      description: `State machine ${this.name}: what its ASL calls, its logs and traces`,
      service: "states.amazonaws.com",
      sourceAccount: props.account.accountId,
      statements: [
        ...stateMachinePermissions(workflow, definition, Object.values(functionArns), props.account),
        allow(WILDCARD_ONLY_ACTIONS.stepFunctionsLogDelivery, ["*"], "LogDeliveryHasNoResourceLevelPermissions"),
        ...(config.workflows.tracing
          ? [
              allow(
                [...WILDCARD_ONLY_ACTIONS.xRayWrite, ...WILDCARD_ONLY_ACTIONS.xRaySampling],
                ["*"],
                "XRayHasNoResourceLevelPermissions",
              ),
            ]
          : []),
      ],
    });

    this.stateMachine = new SfnStateMachine(this, "state-machine", {
      name: this.name,
      type: "EXPRESS",
      roleArn: this.role.arn,
      definition: definitionJson,
      loggingConfiguration: {
        logDestination: `${this.logGroup.arn}:*`,
        level: config.workflows.logLevel,
        includeExecutionData: config.workflows.includeExecutionData,
      },
      tracingConfiguration: { enabled: config.workflows.tracing },
      // Step Functions checks the log delivery permissions when the state machine is created.
      dependsOn: [this.role.policy],
    });
  }
}
