/**
 * Each function's settings in the local runtime, from the runtime's configuration: the variables and
 * names of `functions/settings.ts`, as the stack sets them on AWS (`infra/lambda/function-settings.ts`).
 * Unset ones keep their default; the IoT data endpoint is the local endpoint, as for every SDK client.
 */
import type { FunctionName } from "../../functions/catalogue.ts";
import type { SettingsEnvironment } from "../../functions/settings.ts";
import type { LocalConfig } from "./config.ts";

export type FunctionEnvironments = { readonly [F in FunctionName]: SettingsEnvironment<F> };

export interface LocalTts {
  readonly url: string;
  readonly apiKeySecretArn: string;
  /** The simulator's application: the one the local API key is for. */
  readonly applicationId: string;
  /** Unset: the functions' default. */
  readonly requestTimeoutMs?: number;
}

export function functionEnvironments(config: LocalConfig, tts: LocalTts): FunctionEnvironments {
  const ttsAccess = {
    TTS_URL: tts.url,
    TTS_API_KEY_SECRET_ARN: tts.apiKeySecretArn,
    ...(tts.requestTimeoutMs !== undefined ? { TTS_REQUEST_TIMEOUT_MS: String(tts.requestTimeoutMs) } : {}),
  };
  return {
    "ensure-thing": {
      STACK_NAME: config.stackName,
      THING_TYPE_NAME: config.thingTypeName,
      THING_NAME_SCHEME: config.thingNameScheme,
    },
    "update-shadow": { SHADOW_METRICS: config.shadowMetrics, SHADOW_DECODED_PAYLOAD: config.shadowDecodedPayload },
    republish: {},
    "validate-downlink": {},
    "enqueue-downlink": ttsAccess,
    "downlink-claim": {},
    "find-queued-downlink": ttsAccess,
    "publish-feedback": {},
    "configure-tts-pubsub": ttsAccess,
    "validate-device-thing": {
      STACK_NAME: config.stackName,
      THING_TYPE_NAME: config.thingTypeName,
      TTS_APPLICATION_ID: tts.applicationId,
      FREQUENCY_PLAN_ID: config.frequencyPlanId,
    },
    "register-end-device": ttsAccess,
    "register-root-keys": ttsAccess,
    "record-provisioning": {},
    "provisioning-feedback": {},
  };
}
