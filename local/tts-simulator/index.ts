/** The TTS simulator: simulated devices (pure) and the MQTT publisher that makes them talk like TTS. */

export { PortInUseError } from "../net/listen.ts";
export {
  DOWNLINK_QUEUE_CAPACITY,
  EU868_MAX_FRM_PAYLOAD_BY_SF,
  MAX_FRM_PAYLOAD_BYTES,
  maxFrmPayloadBytes,
} from "./downlink-limits.ts";
export type { ApplicationDownlinkJson, QueuedDownlink, TtsDownlinkEventJson } from "./downlink-messages.ts";
export { TX_SCHEDULE_PRIORITIES, type TxSchedulePriority } from "./downlink-request.ts";
export {
  DEFAULT_MAX_REGISTERED_DEVICES,
  type EndDeviceJson,
  EndDeviceRegistries,
  EndDeviceRegistry,
} from "./end-device-registries.ts";
export {
  DeviceNotJoinedError,
  InvalidSimulatorOptionsError,
  TtsSimulatorConnectionError,
  TtsSimulatorStoppedError,
  UnknownSimulatedDeviceError,
  UplinkListenerError,
} from "./errors.ts";
export { FAULTS_PATH } from "./fault-api.ts";
export { FaultInjector, InvalidFaultError, type PendingFault, type RefusalStatus } from "./fault-injector.ts";
export { FAULT_KINDS, type Fault, type FaultInput, type FaultKind } from "./fault-spec.ts";
export {
  createSimulatedDevices,
  DEFAULT_APPLICATION_ID,
  type ProvisionedDevice,
  SimulatedFleet,
  type SimulatedFleetOptions,
} from "./fleet.ts";
export type { SimulatedGateway } from "./gateways.ts";
export { loraAirtimeNanos, lorawanPhyPayloadBytes } from "./lora-airtime.ts";
export { ttsClientId } from "./mqtt-connection.ts";
export { startTtsSimulator, type TtsSimulator, type TtsSimulatorOptions, type TtsSimulatorStats } from "./publisher.ts";
export { DEFAULT_MAX_PUBSUBS, type PubSubJson, PubSubRegistry } from "./pubsub-registry.ts";
export {
  DEFAULT_RECORDER_LIMITS,
  type RecordedRequest,
  RecordedRequestsDroppedError,
  type RecorderLimits,
} from "./request-recorder.ts";
export {
  APPLICATION_RIGHTS,
  DEPLOYMENT_RIGHTS,
  impliedRights,
  parseRights,
  type TtsRight,
} from "./rights.ts";
export { REDACTED } from "./secret-redaction.ts";
export {
  type AfterUplinkListener,
  type DeviceSession,
  type LoraDataRate,
  SimulatedDevice,
} from "./simulated-device.ts";
export { TtsApiError, type TtsErrorBodyJson } from "./tts-api-errors.ts";
export type { ApiKeyGrant, ApiKeys } from "./tts-api-handler.ts";
export { ROUTE_NAMES, ROUTES, type RouteName } from "./tts-api-routes.ts";
export { MAX_TTS_BODY_BYTES, startTtsApi, type TtsApi, type TtsApiOptions } from "./tts-api-server.ts";
export type { TtsApplicationUpJson, TtsJoinAcceptJson, TtsUplinkJson } from "./tts-messages.ts";
