/**
 * Bookkeeping for "nothing acknowledged is lost" checks across crashes: which uplinks the broker
 * acknowledged (QoS 1 PUBACK), and which ones a workflow execution ran for, told apart by device
 * and frame counter.
 */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { MqttClient } from "mqtt";
import { stateMachineName } from "../../workflows/catalogue.ts";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../aws/local-account.ts";
import { createSimulatedDevices, type SimulatedDevice } from "../tts-simulator/index.ts";
import { executionLogRecords } from "./execution-logs.ts";

interface UplinkLike {
  readonly end_device_ids: { readonly device_id: string };
  readonly uplink_message: { readonly f_cnt?: number };
}

/** Device and frame counter: what tells one uplink from another, sent, republished or executed. */
export function uplinkKey(message: UplinkLike): string {
  return `${message.end_device_ids.device_id}:${message.uplink_message.f_cnt ?? 0}`;
}

/** Simulated devices with a session, ready to send uplinks (their join messages are not published). */
export function joinedDevices(options: { count: number; stackName: string; seed: number }): SimulatedDevice[] {
  const devices = [...createSimulatedDevices(options)];
  for (const device of devices) device.join();
  return devices;
}

export interface UplinkPublisher {
  /** Keys of the uplinks the broker acknowledged. */
  readonly acked: Set<string>;
  sent(): number;
  stop(): void;
  /** Resolves when every uplink is acknowledged, or the publisher stopped, or the connection closed. */
  readonly finished: Promise<void>;
}

/**
 * Publishes `count` uplinks of `devices` in turn with QoS 1, at most `window` unacknowledged at a
 * time (as an MQTT client's in-flight window): a broker that holds acknowledgements slows it down.
 */
export function publishUplinks(
  client: MqttClient,
  options: {
    readonly stackName: string;
    readonly devices: readonly SimulatedDevice[];
    readonly count: number;
    readonly window: number;
    readonly onAck?: (acked: number) => void;
  },
): UplinkPublisher {
  const topic = `thethings/lorawan/${options.stackName}/uplink`;
  const acked = new Set<string>();
  let sent = 0;
  let inFlight = 0;
  let stopped = false;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const stop = () => {
    stopped = true;
    finish();
  };
  const pump = () => {
    while (!stopped && inFlight < options.window && sent < options.count) {
      const uplink = options.devices[sent % options.devices.length]!.uplink();
      const key = uplinkKey(uplink);
      sent += 1;
      inFlight += 1;
      client.publish(topic, JSON.stringify(uplink), { qos: 1 }, (error) => {
        inFlight -= 1;
        if (error === undefined || error === null) {
          if (!stopped) acked.add(key);
          options.onAck?.(acked.size);
        }
        if (sent === options.count && inFlight === 0) finish();
        pump();
      });
    }
  };
  client.once("close", stop);
  pump();
  return { acked, sent: () => sent, stop, finished };
}

/**
 * The uplinks of every SUCCEEDED execution of the upstream workflow the endpoint keeps (those that
 * started at or after `startedAfter`, when given), one key per execution; read from the workflow's
 * log group, as Express executions are read on AWS.
 */
export async function executedUplinks(awsUrl: string, stackName: string, startedAfter?: Date): Promise<string[]> {
  const logs = new CloudWatchLogsClient({ endpoint: awsUrl, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const workflow = stateMachineName(stackName, "upstream");
  try {
    const succeeded = new Set(
      (await executionLogRecords(logs, workflow, '{ $.type = "ExecutionSucceeded" }')).map(
        (record) => record.execution_arn,
      ),
    );
    const keys: string[] = [];
    for (const record of await executionLogRecords(logs, workflow, '{ $.type = "ExecutionStarted" }')) {
      if (!succeeded.has(record.execution_arn)) continue;
      if (startedAfter !== undefined && Number(record.event_timestamp) < startedAfter.getTime()) continue;
      const event = JSON.parse(String(record.details["input"] ?? "{}")) as { topic?: string; payload?: string };
      if (!event.topic?.endsWith("/uplink") || event.payload === undefined) continue;
      keys.push(uplinkKey(JSON.parse(Buffer.from(event.payload, "base64").toString()) as UplinkLike));
    }
    return keys;
  } finally {
    logs.destroy();
  }
}
