/** The TTS simulator: simulated devices (pure) and the MQTT publisher that makes them talk like TTS. */
export { startTtsSimulator, type TtsSimulator, type TtsSimulatorOptions, type TtsSimulatorStats } from "./publisher.ts";
export { createSimulatedDevices, SimulatedFleet, DEFAULT_APPLICATION_ID, type SimulatedFleetOptions } from "./fleet.ts";
export { SimulatedDevice, type AfterUplinkListener, type DeviceSession, type LoraDataRate } from "./simulated-device.ts";
export type { SimulatedGateway } from "./gateways.ts";
export type { TtsApplicationUpJson, TtsJoinAcceptJson, TtsUplinkJson } from "./tts-messages.ts";
export { ttsClientId } from "./mqtt-connection.ts";
export { loraAirtimeNanos, lorawanPhyPayloadBytes } from "./lora-airtime.ts";
export {
  DeviceNotJoinedError,
  InvalidSimulatorOptionsError,
  TtsSimulatorConnectionError,
  TtsSimulatorStoppedError,
  UnknownSimulatedDeviceError,
  UplinkListenerError,
} from "./errors.ts";
export { startTtsApi, type RecordedRequest, type TtsApi, type TtsApiOptions } from "./tts-api-server.ts";
export type { ApiKeys } from "./tts-api-handler.ts";
export { FaultInjector, InvalidFaultError, type RefusalStatus } from "./fault-injector.ts";
export { TtsApiError, type TtsErrorBodyJson } from "./tts-api-errors.ts";
export { PortInUseError } from "../net/listen.ts";
export { TX_SCHEDULE_PRIORITIES, type TxSchedulePriority } from "./downlink-request.ts";
export type { ApplicationDownlinkJson, QueuedDownlink, TtsDownlinkEventJson } from "./downlink-messages.ts";
export { EU868_MAX_FRM_PAYLOAD_BY_SF, MAX_FRM_PAYLOAD_BYTES, maxFrmPayloadBytes } from "./downlink-limits.ts";
