/**
 * One CloudWatch dashboard per deployment: workflow executions, failures and durations, Lambda
 * errors, throttles and durations, rule dead letters, and each workflow's outcomes (for the
 * downlink workflow: enqueued vs failed with feedback).
 */
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard/index.js";
import { Construct } from "constructs";
import type { DeadLetterQueue } from "../workflow/dead-letter-queue.ts";
import type { WorkflowStateMachine } from "../workflow/workflow-state-machine.ts";

export interface StackDashboardProps {
  readonly dashboardName: string;
  readonly region: string;
  readonly workflows: readonly { readonly workflow: string; readonly machine: WorkflowStateMachine }[];
  readonly functionNames: readonly string[];
  readonly deadLetterQueues: readonly DeadLetterQueue[];
}

type Metric = (string | { stat?: string; label?: string })[];

const WIDTH = 12;
const HEIGHT = 6;

export class StackDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: StackDashboardProps) {
    super(scope, id);
    const states = (metricName: string, stat: string) =>
      props.workflows.map(
        ({ workflow, machine }): Metric => [
          "AWS/States",
          metricName,
          "StateMachineArn",
          machine.stateMachine.arn,
          { stat, label: `${workflow} ${metricName}` },
        ],
      );
    const lambda = (metricName: string, stat: string) =>
      props.functionNames.map(
        (name): Metric => ["AWS/Lambda", metricName, "FunctionName", name, { stat, label: `${name} ${metricName}` }],
      );

    const widgets: { title: string; metrics: Metric[] }[] = [
      {
        title: "Workflow executions",
        metrics: [...states("ExecutionsStarted", "Sum"), ...states("ExecutionsSucceeded", "Sum")],
      },
      {
        title: "Workflow failures",
        metrics: [
          ...states("ExecutionsFailed", "Sum"),
          ...states("ExecutionsTimedOut", "Sum"),
          ...states("ExecutionThrottled", "Sum"),
        ],
      },
      {
        title: "Workflow duration (ms)",
        metrics: [...states("ExecutionTime", "Average"), ...states("ExecutionTime", "p99")],
      },
      { title: "Lambda errors and throttles", metrics: [...lambda("Errors", "Sum"), ...lambda("Throttles", "Sum")] },
      { title: "Lambda duration p99 (ms)", metrics: lambda("Duration", "p99") },
      {
        title: "IoT rule dead letters (workflow not started)",
        metrics: props.deadLetterQueues.map(
          (queue): Metric => [
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            "QueueName",
            queue.name,
            { stat: "Maximum" },
          ],
        ),
      },
      ...props.workflows.map(({ workflow, machine }) => ({
        title: `${workflow} outcomes (succeeded vs failed)`,
        metrics: [
          [
            "AWS/States",
            "ExecutionsSucceeded",
            "StateMachineArn",
            machine.stateMachine.arn,
            { stat: "Sum", label: "succeeded" },
          ],
          [
            "AWS/States",
            "ExecutionsFailed",
            "StateMachineArn",
            machine.stateMachine.arn,
            { stat: "Sum", label: "failed" },
          ],
        ] satisfies Metric[],
      })),
    ];

    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: props.dashboardName,
      dashboardBody: JSON.stringify({
        widgets: widgets.map((widget, index) => ({
          type: "metric",
          x: (index % 2) * WIDTH,
          y: Math.floor(index / 2) * HEIGHT,
          width: WIDTH,
          height: HEIGHT,
          properties: {
            title: widget.title,
            region: props.region,
            view: "timeSeries",
            stacked: false,
            period: 300,
            metrics: widget.metrics,
          },
        })),
      }),
    });
  }
}
