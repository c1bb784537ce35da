/**
 * What each function of `functions/catalogue.ts` needs on AWS: its permissions (least privilege,
 * specific actions on specific ARNs), its environment (how the stack sets the function's settings of
 * `functions/settings.ts`: a variable the function does not read does not compile), its timeout and
 * memory. Keyed by every `FunctionName`: a function added to the catalogue without an entry here does
 * not compile, so nobody deploys a function whose permissions were never thought about.
 *
 * Timeouts: every workflow task gives a Lambda 30 s (`workflows/lambda-task.ts`), so a function's own
 * timeout is lower and a hung call ends inside the function, as a Lambda error the ASL retries.
 * Memory: 256 MB — Lambda gives CPU in proportion to memory, and the cold start (parsing a ~0.8 MB
 * bundle, creating SDK clients) is CPU-bound; at tens of milliseconds per warm call the cost over
 * 128 MB is negligible.
 */
import type { FunctionName } from "../../functions/catalogue.ts";
import { CLAIMS_SHADOW } from "../../functions/core/downlink/claims.ts";
import { PROVISIONING_OUTCOMES, provisioningTopic } from "../../functions/core/provisioning/feedback.ts";
import { SHADOW_NAME } from "../../functions/core/shadow-report.ts";
import { republishTopic, TTS_EVENT_KINDS } from "../../functions/core/tts-events.ts";
import type { SettingsEnvironment } from "../../functions/settings.ts";
import type { Account } from "../account.ts";
import { deploymentApplicationId, type EnvironmentConfig } from "../config/environment-schema.ts";
import { allow, type PolicyStatement } from "../iam/policy-document.ts";

export interface FunctionContext {
  readonly config: EnvironmentConfig;
  readonly account: Account;
  /** The account's `iot:Data-ATS` endpoint host. */
  readonly iotDataEndpoint: string;
  /** Where the TTS API keys are; functions get the ARN, never the keys. */
  readonly ttsApiKeysSecretArn: string;
}

export interface FunctionResources {
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Beyond writing its own logs (and X-Ray traces when tracing is on), which every function gets. */
  readonly permissions: (context: FunctionContext) => PolicyStatement[];
}

/**
 * Each variable of the function's settings the stack sets, and how; variables with a default may be
 * left to it. A mapped type, not a function returning a record: TypeScript checks the object literal
 * written here for unknown (misspelt) names, which it does not do for a function's returned literal.
 */
export type EnvironmentBuilder<F extends FunctionName> = {
  readonly [K in keyof SettingsEnvironment<F>]: (
    context: FunctionContext,
  ) => Exclude<SettingsEnvironment<F>[K], undefined>;
};

export interface FunctionSettings<F extends FunctionName> extends FunctionResources {
  readonly environment: EnvironmentBuilder<F>;
}

/** IoT control- or data-plane calls: milliseconds each, a few SDK retries at most. */
const IOT_CALLS = { timeoutSeconds: 10, memoryMb: 256 } as const;

/** No AWS call at all: parsing and validating JSON. */
const PURE = { timeoutSeconds: 5, memoryMb: 256 } as const;

/**
 * The TTS call's budget, set here so the function's timeout can be derived from it: one HTTP request
 * (5 s) plus the secret lookup. TTS's `Retry-After` (≤ 10 s) is waited out by the workflow's Wait state,
 * not inside a paid function.
 */
const TTS_REQUEST_TIMEOUT_SECONDS = 5;
const TTS_RETRY_AFTER_MAX_SECONDS = 10;
const TTS_CALL_TIMEOUT_SECONDS = TTS_REQUEST_TIMEOUT_SECONDS + 5;

/**
 * configure-tts-pubsub is invoked by Terraform, not by a workflow, and waited for by `apply`: at most
 * two TTS calls (set, then delete of a moved pub/sub) of 10 s each plus the secret read. No retry
 * inside: a failure fails the apply, which is simply run again.
 */
const PUBSUB_REQUEST_TIMEOUT_SECONDS = 10;
const PUBSUB_TIMEOUT_SECONDS = 2 * PUBSUB_REQUEST_TIMEOUT_SECONDS + 5;

/**
 * Functions that call TTS read the key of an application from the one API key secret (encrypted
 * with the AWS-managed key: no kms:Decrypt grant is needed) and reach TTS over the internet.
 */
const readTtsApiKeys = ({ ttsApiKeysSecretArn }: FunctionContext): PolicyStatement[] => [
  allow(["secretsmanager:GetSecretValue"], [ttsApiKeysSecretArn], "ReadTtsApiKeys"),
];

const TTS_ACCESS: Pick<
  EnvironmentBuilder<
    "enqueue-downlink" | "find-queued-downlink" | "configure-tts-pubsub" | "register-end-device" | "register-root-keys"
  >,
  "TTS_URL" | "TTS_API_KEY_SECRET_ARN"
> = {
  TTS_URL: ({ config }) => config.tts.url,
  TTS_API_KEY_SECRET_ARN: ({ ttsApiKeysSecretArn }) => ttsApiKeysSecretArn,
};

/**
 * IAM cannot narrow thing ARNs by attribute or thing type: `thing/*` is as narrow as the provisioning
 * functions' registry calls can be. What keeps them to our things is the rule's WHERE (our type, our
 * stackName) and ValidateAttributes' check of both before anything is written.
 */
const DEVICE_THINGS = "thing/*";

/** A workflow step of one TTS call (the downlink's Push and its looks into the queue). */
const TTS_CALL = {
  timeoutSeconds: TTS_CALL_TIMEOUT_SECONDS,
  memoryMb: 256,
  permissions: readTtsApiKeys,
  environment: { ...TTS_ACCESS, TTS_REQUEST_TIMEOUT_MS: () => String(TTS_REQUEST_TIMEOUT_SECONDS * 1000) },
} as const satisfies FunctionSettings<"find-queued-downlink">;

const IOT_DATA_ENDPOINT = ({ iotDataEndpoint }: FunctionContext): string => iotDataEndpoint;

const onOff = (on: boolean) => (on ? "on" : "off");

export const FUNCTION_SETTINGS: { readonly [F in FunctionName]: FunctionSettings<F> } = {
  "ensure-thing": {
    ...IOT_CALLS,
    // CreateThing is authorized on the thing's ARN only: IAM cannot confine the thing type it is created
    // with (a `thingtype/…` resource in the statement has no effect on it), nor its attributes. What it
    // can confine is the name: with the DeviceID scheme every name is `<stackName>_<device_id>`; DevEUIs
    // have no prefix an ARN pattern could hold.
    permissions: ({ account, config }) => {
      const things = account.iot(config.things.nameScheme === "DeviceID" ? `thing/${config.stackName}_*` : "thing/*");
      return [
        allow(["iot:DescribeThing"], [things], "DescribeDeviceThings"),
        allow(["iot:CreateThing"], [things], "CreateDeviceThings"),
      ];
    },
    environment: {
      STACK_NAME: ({ config }) => config.stackName,
      THING_TYPE_NAME: ({ config }) => config.things.typeName,
      THING_NAME_SCHEME: ({ config }) => config.things.nameScheme,
      THING_CACHE_TTL_SECONDS: ({ config }) => String(config.things.cacheTtlSeconds),
    },
  },
  "update-shadow": {
    ...IOT_CALLS,
    // A named shadow's ARN is `thing/<thing>/<shadow>`: this reaches the lorawan shadow only.
    permissions: ({ account }) => [
      allow(["iot:UpdateThingShadow"], [account.iot(`thing/*/${SHADOW_NAME}`)], "UpdateLorawanShadow"),
    ],
    environment: {
      SHADOW_METRICS: ({ config }) => onOff(config.things.shadowMetrics),
      SHADOW_DECODED_PAYLOAD: ({ config }) => onOff(config.things.shadowDecodedPayload),
      IOT_DATA_ENDPOINT,
    },
  },
  republish: {
    ...IOT_CALLS,
    // The ten `lorawan/<thing>/<event>` topics of TTS_EVENTS, and nothing else under `lorawan/`: not
    // `lorawan/downlink`, every deployment's downlink trigger.
    permissions: ({ account }) => [
      allow(
        ["iot:Publish"],
        TTS_EVENT_KINDS.map((kind) => account.iot(`topic/${republishTopic("*", kind)}`)),
        "PublishDeviceEvents",
      ),
    ],
    environment: { IOT_DATA_ENDPOINT },
  },
  "validate-downlink": {
    ...PURE,
    permissions: () => [],
    environment: {},
  },
  "enqueue-downlink": {
    ...TTS_CALL,
    environment: {
      ...TTS_CALL.environment,
      TTS_RETRY_AFTER_MAX_SECONDS: () => String(TTS_RETRY_AFTER_MAX_SECONDS),
    },
  },
  "downlink-claim": {
    ...IOT_CALLS,
    // The claims shadow only: `thing/<thing>/downlink-claims`.
    permissions: ({ account }) => [
      allow(
        ["iot:GetThingShadow", "iot:UpdateThingShadow"],
        [account.iot(`thing/*/${CLAIMS_SHADOW}`)],
        "ReadAndClaimInDownlinkClaimsShadow",
      ),
    ],
    environment: { IOT_DATA_ENDPOINT },
  },
  "find-queued-downlink": TTS_CALL,
  "publish-feedback": {
    ...IOT_CALLS,
    // Failure feedback only: a thing's `downlink/failed`, or the shared one when no thing was named.
    permissions: ({ account }) => [
      allow(
        ["iot:Publish"],
        [account.iot("topic/lorawan/*/downlink/failed"), account.iot("topic/lorawan/downlink/failed")],
        "PublishDownlinkFailed",
      ),
    ],
    environment: { IOT_DATA_ENDPOINT },
  },
  "validate-device-thing": {
    ...IOT_CALLS,
    permissions: ({ account }) => [allow(["iot:DescribeThing"], [account.iot(DEVICE_THINGS)], "ReadDeviceThings")],
    environment: {
      STACK_NAME: ({ config }) => config.stackName,
      THING_TYPE_NAME: ({ config }) => config.things.typeName,
      TTS_APPLICATION_ID: ({ config }) => deploymentApplicationId(config.tts),
      // Required by the configuration schema when provisioning is enabled, the only case this function is deployed.
      FREQUENCY_PLAN_ID: ({ config }) => config.things.provisioning.frequencyPlanId ?? "",
      LORAWAN_VERSION: ({ config }) => config.things.provisioning.lorawanVersion,
      REGIONAL_PARAMETERS_VERSION: ({ config }) => config.things.provisioning.regionalParametersVersion,
    },
  },
  "register-end-device": TTS_CALL,
  "register-root-keys": {
    ...TTS_CALL,
    // The root keys are read from the thing itself, by this function only.
    permissions: (context) => [
      ...readTtsApiKeys(context),
      allow(["iot:DescribeThing"], [context.account.iot(DEVICE_THINGS)], "ReadRootKeysFromDeviceThings"),
    ],
  },
  "record-provisioning": {
    ...IOT_CALLS,
    permissions: ({ account }) => [
      allow(["iot:UpdateThing"], [account.iot(DEVICE_THINGS)], "RecordDeviceAndRemoveKeysOnThings"),
    ],
    environment: {},
  },
  "provisioning-feedback": {
    ...IOT_CALLS,
    permissions: ({ account }) => [
      allow(
        ["iot:Publish"],
        PROVISIONING_OUTCOMES.map((outcome) => account.iot(`topic/${provisioningTopic("*", outcome)}`)),
        "PublishProvisioningOutcomes",
      ),
    ],
    environment: { IOT_DATA_ENDPOINT },
  },
  "configure-tts-pubsub": {
    timeoutSeconds: PUBSUB_TIMEOUT_SECONDS,
    memoryMb: 256,
    permissions: readTtsApiKeys,
    // Set, not left to the default: the function's timeout above is derived from it.
    environment: { ...TTS_ACCESS, TTS_REQUEST_TIMEOUT_MS: () => String(PUBSUB_REQUEST_TIMEOUT_SECONDS * 1000) },
  },
};

/** A deployed function's environment variables. */
export function environmentOf(name: FunctionName, context: FunctionContext): Record<string, string> {
  const builder: { readonly [variable: string]: ((context: FunctionContext) => string) | undefined } =
    FUNCTION_SETTINGS[name].environment;
  return Object.fromEntries(
    Object.entries(builder).flatMap(([variable, value]) => (value === undefined ? [] : [[variable, value(context)]])),
  );
}
