/**
 * The benchmark's MQTT clients, in a process of their own (forked by execution-store.ts): TTS publishing
 * joins and uplinks, and an application subscribed to the republished uplinks. As real clients, they
 * take no CPU from the runtime's thread and no memory from its RSS.
 *
 * Talks to its parent over IPC: it is told what to publish, and answers when it is done. With `ledger`,
 * it keeps the key of every uplink it publishes and of every republished one it receives, for `tally`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { connect } from "../local/harness/mqtt-client.ts";
import { createSimulatedDevices, type SimulatedDevice } from "../local/tts-simulator/index.ts";
import { type Deliveries, deliveries } from "./measure.ts";

export type ClientCommand =
  | {
      readonly type: "connect";
      readonly url: string;
      readonly stackName: string;
      readonly devices: number;
      readonly ledger?: boolean;
    }
  | { readonly type: "joins" }
  /** Publishes `count` more uplinks, one after the other (each waits for its PUBACK). */
  | { readonly type: "uplinks"; readonly kind: "ordinary" | "large"; readonly count: number }
  /** Publishes `count` uplinks at once (as fast as the connection's in-flight window allows). */
  | { readonly type: "burst"; readonly count: number }
  /** Publishes `count` uplinks at `rate` per second and measures each until the application receives it. */
  | { readonly type: "paced"; readonly rate: number; readonly count: number; readonly waitMs: number }
  /** Published uplinks against republished ones, since `connect` (needs `ledger`). */
  | { readonly type: "tally" }
  | { readonly type: "end" };

export type ClientReply =
  | { readonly type: "ready" }
  | { readonly type: "published"; readonly count: number }
  | { readonly type: "latencies"; readonly latencies: number[]; readonly cpuMs: number }
  | { readonly type: "tally"; readonly deliveries: Deliveries }
  | { readonly type: "ended" };

/** ~126 KB: the size that made a 682 MB journal out of 260 uplinks (issue 9). */
const LARGE_UPLINK_BYTES = 126 * 1024;

function largeUplink(device: SimulatedDevice): unknown {
  const message = device.uplink() as { uplink_message: { decoded_payload?: Record<string, unknown> } };
  const size = Buffer.byteLength(JSON.stringify(message));
  message.uplink_message.decoded_payload = {
    ...message.uplink_message.decoded_payload,
    samples: "s".repeat(Math.max(0, LARGE_UPLINK_BYTES - size - 40)),
  };
  return message;
}

type UplinkKey = { end_device_ids: { device_id: string }; uplink_message: { f_cnt?: number } };
const keyOf = (message: UplinkKey) => `${message.end_device_ids.device_id}:${message.uplink_message.f_cnt ?? 0}`;

async function serve(): Promise<void> {
  const reply = (message: ClientReply): void => {
    process.send!(message);
  };
  let tts: Awaited<ReturnType<typeof connect>> | undefined;
  let app: Awaited<ReturnType<typeof connect>> | undefined;
  let devices: SimulatedDevice[] = [];
  let stack = "";
  let sent = 0;
  let ledger: { published: string[]; republished: string[] } | undefined;
  const publish = (suffix: string, message: unknown) => {
    if (suffix === "uplink") ledger?.published.push(keyOf(message as UplinkKey));
    return tts!.publishAsync(`thethings/lorawan/${stack}/${suffix}`, JSON.stringify(message), { qos: 1 });
  };

  const handle = async (command: ClientCommand): Promise<void> => {
    switch (command.type) {
      case "connect":
        stack = command.stackName;
        tts = await connect(command.url, `thethings-${stack}`);
        app = await connect(command.url, "bench-application");
        devices = [...createSimulatedDevices({ count: command.devices, stackName: stack, seed: 11 })];
        if (command.ledger) {
          const kept = { published: [] as string[], republished: [] as string[] };
          ledger = kept;
          app.on("message", (topic, payload) => {
            if (topic.endsWith("/uplink")) kept.republished.push(keyOf(JSON.parse(payload.toString())));
          });
          await app.subscribeAsync("lorawan/+/uplink", { qos: 1 });
        }
        return reply({ type: "ready" });
      case "joins":
        await Promise.all(devices.map((device) => publish("join", device.join())));
        return reply({ type: "published", count: devices.length });
      case "uplinks":
        for (let i = 0; i < command.count; i++) {
          const device = devices[sent++ % devices.length]!;
          await publish("uplink", command.kind === "large" ? largeUplink(device) : device.uplink());
        }
        return reply({ type: "published", count: command.count });
      case "burst":
        await Promise.all(
          Array.from({ length: command.count }, () => publish("uplink", devices[sent++ % devices.length]!.uplink())),
        );
        return reply({ type: "published", count: command.count });
      case "paced":
        return reply(await paced(command));
      case "tally":
        if (ledger === undefined) throw new Error("tally needs a ledger: connect with ledger: true");
        return reply({ type: "tally", deliveries: deliveries(ledger.published, ledger.republished) });
      case "end":
        await Promise.all([tts?.endAsync(), app?.endAsync()]);
        reply({ type: "ended" });
        return process.disconnect();
    }
  };

  const paced = async ({ rate, count, waitMs }: Extract<ClientCommand, { type: "paced" }>) => {
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const onMessage = (topic: string, payload: Buffer) => {
      if (!topic.endsWith("/uplink")) return;
      const at = sentAt.get(keyOf(JSON.parse(payload.toString())));
      if (at !== undefined) latencies.push(performance.now() - at);
    };
    app!.on("message", onMessage);
    await app!.subscribeAsync("lorawan/+/uplink", { qos: 1 });
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const wait = start + (i * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
      const uplink = devices[sent++ % devices.length]!.uplink();
      sentAt.set(keyOf(uplink as UplinkKey), performance.now());
      void publish("uplink", uplink);
      if (i % (rate * 10) === 0) process.stderr.write(`  ${i}/${count}\n`);
    }
    // A runtime that cannot keep up with the rate builds a backlog: what arrived within the wait is reported.
    const deadline = performance.now() + waitMs;
    while (latencies.length < count && performance.now() < deadline) await sleep(20);
    const used = process.cpuUsage(cpu);
    app!.off("message", onMessage);
    return { type: "latencies" as const, latencies, cpuMs: (used.user + used.system) / 1000 };
  };

  // One command at a time, in order.
  let chain = Promise.resolve();
  process.on("message", (command: ClientCommand) => {
    chain = chain.then(() => handle(command));
    chain.catch((error: Error) => {
      process.stderr.write(`bench clients: ${error.stack ?? error.message}\n`);
      process.exit(1);
    });
  });
}

if (process.send !== undefined) await serve();
