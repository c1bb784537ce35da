/** Errors the TTS simulator throws on purpose; explicit `name`s survive minification. */

export class UnknownSimulatedDeviceError extends Error {
  override readonly name = "UnknownSimulatedDeviceError";
  readonly deviceId: string;

  constructor(deviceId: string, applicationId: string) {
    super(`no simulated device "${deviceId}" in application "${applicationId}"`);
    this.deviceId = deviceId;
  }
}

/** Uplinks need a session; TTS would drop frames from a device that never joined. */
export class DeviceNotJoinedError extends Error {
  override readonly name = "DeviceNotJoinedError";
  readonly deviceId: string;

  constructor(deviceId: string) {
    super(`simulated device "${deviceId}" has not joined yet; join it before sending uplinks`);
    this.deviceId = deviceId;
  }
}

export class TtsSimulatorConnectionError extends Error {
  override readonly name = "TtsSimulatorConnectionError";
  readonly mqttUrl: string;

  constructor(mqttUrl: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`TTS simulator cannot connect to the MQTT broker at ${mqttUrl}: ${reason}`, { cause });
    this.mqttUrl = mqttUrl;
  }
}

export class InvalidSimulatorOptionsError extends Error {
  override readonly name = "InvalidSimulatorOptionsError";
}

/** One or more `afterUplink` listeners failed; the uplink itself was delivered. */
export class UplinkListenerError extends Error {
  override readonly name = "UplinkListenerError";
  readonly deviceId: string;
  readonly failures: readonly unknown[];

  constructor(deviceId: string, failures: readonly unknown[]) {
    const reasons = failures.map((failure) => (failure instanceof Error ? failure.message : String(failure)));
    super(`afterUplink listener(s) of "${deviceId}" failed: ${reasons.join("; ")}`);
    this.deviceId = deviceId;
    this.failures = failures;
  }
}

export class TtsSimulatorStoppedError extends Error {
  override readonly name = "TtsSimulatorStoppedError";

  constructor(action: string) {
    super(`TTS simulator is stopped; cannot ${action}`);
  }
}
