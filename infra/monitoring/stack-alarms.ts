/**
 * The alarms of one deployment: per workflow, failed and timed-out executions; per function, errors
 * and throttles; per rules dead-letter queue, any message waiting.
 */
import { Construct } from "constructs";
import type { WorkflowFunction } from "../lambda/workflow-function.ts";
import type { DeadLetterQueue } from "../workflow/dead-letter-queue.ts";
import type { WorkflowStateMachine } from "../workflow/workflow-state-machine.ts";
import { ZeroToleranceAlarm } from "./zero-tolerance-alarm.ts";

export interface StackAlarmsProps {
  readonly stateMachines: readonly WorkflowStateMachine[];
  readonly functions: readonly { readonly name: string; readonly deployed: WorkflowFunction }[];
  readonly deadLetterQueues: readonly DeadLetterQueue[];
  readonly actions: readonly string[];
}

export class StackAlarms extends Construct {
  readonly alarms: ZeroToleranceAlarm[] = [];

  constructor(scope: Construct, id: string, props: StackAlarmsProps) {
    super(scope, id);
    const { actions } = props;

    for (const machine of props.stateMachines) {
      for (const metricName of ["ExecutionsFailed", "ExecutionsTimedOut"]) {
        this.alarms.push(
          new ZeroToleranceAlarm(this, `${machine.name}-${metricName}`, {
            alarmName: `${machine.name}-${metricName}`,
            description: `Executions of ${machine.name} ended in ${metricName.replace("Executions", "").toLowerCase()}: see its log group ${machine.logGroup.name}`,
            namespace: "AWS/States",
            metricName,
            dimensions: { StateMachineArn: machine.stateMachine.arn },
            statistic: "Sum",
            actions,
          }),
        );
      }
    }

    for (const { deployed } of props.functions) {
      const { functionName } = deployed;
      for (const metricName of ["Errors", "Throttles"]) {
        this.alarms.push(
          new ZeroToleranceAlarm(this, `${functionName}-${metricName}`, {
            alarmName: `${functionName}-${metricName}`,
            description: `Lambda ${functionName}: ${metricName.toLowerCase()} (the workflow retries transient ones; see ${deployed.logGroup.name})`,
            namespace: "AWS/Lambda",
            metricName,
            dimensions: { FunctionName: functionName },
            statistic: "Sum",
            actions,
          }),
        );
      }
    }

    for (const queue of props.deadLetterQueues) {
      this.alarms.push(
        new ZeroToleranceAlarm(this, `${queue.name}-visible`, {
          alarmName: `${queue.name}-messages`,
          description: `IoT rule messages whose workflow could not be started wait in ${queue.name}`,
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: queue.name },
          statistic: "Maximum",
          actions,
        }),
      );
    }
  }
}
