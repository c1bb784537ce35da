/** The simulated TTS as the API tests drive it: a broker, a subscriber on TTS's downlink topics, the devices and the HTTP API. */
import {
  startTtsApi,
  startTtsSimulator,
  type TtsApi,
  type TtsApiOptions,
  type TtsSimulator,
} from "../../../local/tts-simulator/index.ts";
import { type Subscriber, startTestBroker, subscribe, type TestBroker } from "./mqtt-harness.ts";

export const SIMULATED_APP = "tts-aws-iot-sim";
export const SIMULATED_KEY = "NNSXS.SIMULATED.KEY";

export interface SimulatedTts {
  readonly broker: TestBroker;
  readonly subscriber: Subscriber;
  readonly simulator: TtsSimulator;
  readonly tts: TtsApi;
}

export async function startSimulatedTts(options: {
  stack: string;
  devices: number;
  seed: number;
  /** The API's bounds, when a test needs other than TTS's own. */
  api?: Pick<TtsApiOptions, "recorderLimits" | "downlinkQueueCapacity">;
}): Promise<SimulatedTts> {
  const broker = await startTestBroker();
  const subscriber = await subscribe(broker.url, `thethings/lorawan/${options.stack}/downlink/#`);
  const simulator = await startTtsSimulator({
    mqttUrl: broker.url,
    stackName: options.stack,
    devices: options.devices,
    intervalSeconds: 1,
    seed: options.seed,
    scheduled: false,
  });
  const tts = await startTtsApi({
    host: "127.0.0.1",
    port: 0,
    simulator,
    apiKeys: new Map([[SIMULATED_APP, SIMULATED_KEY]]),
    ...options.api,
  });
  return { broker, subscriber, simulator, tts };
}

export async function stopSimulatedTts(running: SimulatedTts): Promise<void> {
  await running.tts.close();
  await running.simulator.stop();
  await running.subscriber.close();
  await running.broker.close();
}
