/**
 * An alarm on a metric that should stay at zero (failed executions, Lambda errors, dead letters):
 * any datapoint above 0 in five minutes alarms; no data is fine (no traffic, no failures).
 */
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js";
import { Construct } from "constructs";

export interface ZeroToleranceAlarmProps {
  readonly alarmName: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly statistic: "Sum" | "Maximum";
  readonly actions: readonly string[];
}

export const ALARM_PERIOD_SECONDS = 300;

export class ZeroToleranceAlarm extends Construct {
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: ZeroToleranceAlarmProps) {
    super(scope, id);
    this.alarm = new CloudwatchMetricAlarm(this, "alarm", {
      alarmName: props.alarmName,
      alarmDescription: props.description,
      namespace: props.namespace,
      metricName: props.metricName,
      dimensions: props.dimensions,
      statistic: props.statistic,
      period: ALARM_PERIOD_SECONDS,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [...props.actions],
      okActions: [...props.actions],
    });
  }
}
