/**
 * Every Lambda of the product, by the name workflows use for it. The cdktf stack bundles each
 * `entry` with esbuild; the local runtime imports the same `handler`s in process. A function with
 * `deployedWith` is deployed only when the environment turns that feature on (infra/deployed-pieces.ts).
 */
/** Features an environment may turn on, each with the functions it brings. */
export type OptionalFeature = "pubSubConfiguration" | "provisioning";

interface FunctionEntry {
  /** The handler module, bundled as the Lambda's code. */
  readonly entry: string;
  readonly description: string;
  readonly deployedWith?: OptionalFeature;
}

export const FUNCTIONS = {
  "ensure-thing": {
    entry: "functions/ensure-thing/handler.ts",
    description: "Parses a TTS message and makes sure the device's IoT thing exists and belongs to this stack",
  },
  "update-shadow": {
    entry: "functions/update-shadow/handler.ts",
    description: "Reports the device's radio metrics and counters in its lorawan named shadow",
  },
  republish: {
    entry: "functions/republish/handler.ts",
    description: "Republishes the TTS message on lorawan/<thing>/<event>",
  },
  "validate-downlink": {
    entry: "functions/validate-downlink/handler.ts",
    description: "Decodes and validates a downlink request published on lorawan/downlink",
  },
  "enqueue-downlink": {
    entry: "functions/enqueue-downlink/handler.ts",
    description:
      "Pushes a validated downlink to the device's TTS queue once (TTS HTTP API, key from Secrets Manager) and says what the answer tells",
  },
  "downlink-claim": {
    entry: "functions/downlink-claim/handler.ts",
    description:
      "Claims and releases an application correlationId in the thing's downlink-claims shadow: one execution at a time",
  },
  "find-queued-downlink": {
    entry: "functions/find-queued-downlink/handler.ts",
    description:
      "Looks for a downlink by correlation id in the device's TTS queue (before pushing again, and for duplicates)",
  },
  "publish-feedback": {
    entry: "functions/publish-feedback/handler.ts",
    description: "Publishes downlink failures in TTS's downlink_failed shape on lorawan/<thing>/downlink/failed",
  },
  "configure-tts-pubsub": {
    entry: "functions/configure-tts-pubsub/handler.ts",
    description:
      "Creates, updates or deletes an application's TTS AWS IoT pub/sub; invoked by Terraform when tts.configurePubSub is on",
    // It may read every application's API key: only where Terraform configures the pub/sub with it.
    deployedWith: "pubSubConfiguration",
  },
  "validate-device-thing": {
    entry: "functions/validate-device-thing/handler.ts",
    description:
      "Reads a new thing from the registry and checks its LoRaWAN attributes before its device is created in TTS",
    deployedWith: "provisioning",
  },
  "register-end-device": {
    entry: "functions/register-end-device/handler.ts",
    description: "Creates a device in TTS's Identity, Network or Application Server, or deletes it from any registry",
    deployedWith: "provisioning",
  },
  "register-root-keys": {
    entry: "functions/register-root-keys/handler.ts",
    description: "Reads a thing's root keys from the registry and sets them in TTS's Join Server",
    deployedWith: "provisioning",
  },
  "record-provisioning": {
    entry: "functions/record-provisioning/handler.ts",
    description: "Records deviceID/applicationID on a provisioned thing and removes its root key attributes",
    deployedWith: "provisioning",
  },
  "provisioning-feedback": {
    entry: "functions/provisioning-feedback/handler.ts",
    description: "Publishes a provisioning outcome on lorawan/<thing>/provisioning/{created,failed,deleted}",
    deployedWith: "provisioning",
  },
} as const satisfies Record<string, FunctionEntry>;

export type FunctionName = keyof typeof FUNCTIONS;

/** The feature a function comes with, or undefined for one every environment deploys. */
export function featureOf(name: FunctionName): OptionalFeature | undefined {
  const entry: FunctionEntry = FUNCTIONS[name];
  return entry.deployedWith;
}
