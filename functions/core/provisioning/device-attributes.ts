/**
 * The attributes an operator gives a thing to have its device created in TTS (DESIGN §6), checked up
 * front so a bad thing fails before anything exists in TTS. Each problem has a stable error name
 * (the execution's error and the `failed` feedback's `error.name`). Messages name the attribute and
 * the rule, never the value: the root keys are secrets, and a mistyped key is still one.
 */
import { isTtsId } from "../tts-id.ts";

export const LORAWAN_VERSIONS = {
  "1.0": "MAC_V1_0",
  "1.0.1": "MAC_V1_0_1",
  "1.0.2": "MAC_V1_0_2",
  "1.0.3": "MAC_V1_0_3",
  "1.1": "MAC_V1_1",
} as const;
export type LorawanVersion = keyof typeof LORAWAN_VERSIONS;

/** TTS's `PHYVersion` names (`api/ttn/lorawan/v3/lorawan.proto`); `1.0.2` is revision A. */
export const REGIONAL_PARAMETERS_VERSIONS = {
  "1.0": "PHY_V1_0",
  "1.0.1": "PHY_V1_0_1",
  "1.0.2": "PHY_V1_0_2_REV_A",
  "1.0.2-a": "PHY_V1_0_2_REV_A",
  "1.0.2-b": "PHY_V1_0_2_REV_B",
  "1.0.3-a": "PHY_V1_0_3_REV_A",
  "1.1-a": "PHY_V1_1_REV_A",
  "1.1-b": "PHY_V1_1_REV_B",
} as const;
export type RegionalParametersVersion = keyof typeof REGIONAL_PARAMETERS_VERSIONS;

/** For a thing without `lorawanVersion` / `regionalParametersVersion`, unless the deployment says otherwise. */
export const DEFAULT_LORAWAN_VERSION: LorawanVersion = "1.0.3";
export const DEFAULT_REGIONAL_PARAMETERS_VERSION: RegionalParametersVersion = "1.0.3-a";

export type TtsMacVersion = (typeof LORAWAN_VERSIONS)[LorawanVersion];
export type TtsPhyVersion = (typeof REGIONAL_PARAMETERS_VERSIONS)[RegionalParametersVersion];

/** The thing attributes that hold root keys: read by the step that hands them to the Join Server, then removed. */
export const KEY_ATTRIBUTES = ["appKey", "nwkKey"] as const;

/** TTS frequency plan ids (`frequency-plans.yml`), e.g. `EU_863_870_TTN`, `US_902_928_FSB_2`. */
export const FREQUENCY_PLAN_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const EUI_PATTERN = /^[0-9A-Fa-f]{16}$/;
const KEY_PATTERN = /^[0-9A-Fa-f]{32}$/;

export const DEVICE_ATTRIBUTE_ERRORS = {
  MissingDevEui: "devEUI is required",
  InvalidDevEui: "devEUI must be 16 hexadecimal digits",
  MissingJoinEui: "joinEUI (or appEUI) is required",
  InvalidJoinEui: "joinEUI (or appEUI) must be 16 hexadecimal digits",
  ConflictingJoinEui: "joinEUI and appEUI are both set, to different values",
  MissingAppKey: "appKey is required",
  InvalidAppKey: "appKey must be 32 hexadecimal digits",
  MissingNwkKey: "nwkKey is required with lorawanVersion 1.1",
  InvalidNwkKey: "nwkKey must be 32 hexadecimal digits",
  UnexpectedNwkKey: "nwkKey is for LoRaWAN 1.1 only; LoRaWAN 1.0.x devices have the appKey alone",
  UnsupportedLorawanVersion: `lorawanVersion must be one of ${Object.keys(LORAWAN_VERSIONS).join(", ")}`,
  UnsupportedRegionalParametersVersion: `regionalParametersVersion must be one of ${Object.keys(REGIONAL_PARAMETERS_VERSIONS).join(", ")}`,
  IncompatibleRegionalParametersVersion:
    "regionalParametersVersion 1.1-a/1.1-b goes with lorawanVersion 1.1 only, and LoRaWAN 1.1 needs one of them",
  InvalidDeviceId: "deviceID must be a TTS id: a-z, 0-9 and single inner dashes, 3 to 36 characters",
  InvalidApplicationId: "applicationID must be a TTS id: a-z, 0-9 and single inner dashes, 3 to 36 characters",
  UnknownApplication: "applicationID is not an application of this deployment (it has no API key for it)",
  InvalidFrequencyPlanId: "frequencyPlanID must be a TTS frequency plan id such as EU_863_870_TTN",
} as const;

export type DeviceAttributeErrorName = keyof typeof DEVICE_ATTRIBUTE_ERRORS;

export const DEVICE_ATTRIBUTE_ERROR_NAMES = Object.keys(DEVICE_ATTRIBUTE_ERRORS) as DeviceAttributeErrorName[];

/**
 * A thing's attributes cannot make a TTS device. `name` is the first problem's (what Retry/Catch and
 * the feedback see); the message lists them all, so the operator fixes the thing once.
 */
export class DeviceAttributeError extends Error {
  override readonly name: DeviceAttributeErrorName;
  readonly problems: readonly DeviceAttributeErrorName[];

  constructor(thingName: string, problems: readonly [DeviceAttributeErrorName, ...DeviceAttributeErrorName[]]) {
    super(`thing "${thingName}": ${problems.map((problem) => DEVICE_ATTRIBUTE_ERRORS[problem]).join("; ")}`);
    this.name = problems[0];
    this.problems = problems;
  }
}

/** What the deployment fills in for attributes a thing leaves out. */
export interface ProvisioningDefaults {
  readonly applicationId: string;
  /** The applications this deployment has API keys for. */
  readonly applicationIds: readonly string[];
  readonly frequencyPlanId: string;
  readonly lorawanVersion: LorawanVersion;
  readonly regionalParametersVersion: RegionalParametersVersion;
}

/** The device to create, without its root keys: this is what travels through the workflow. */
export interface EndDeviceSpec {
  readonly thingName: string;
  readonly applicationId: string;
  readonly deviceId: string;
  /** Upper-case hex, as TTS writes EUIs. */
  readonly devEui: string;
  readonly joinEui: string;
  readonly lorawanVersion: TtsMacVersion;
  readonly lorawanPhyVersion: TtsPhyVersion;
  readonly frequencyPlanId: string;
}

export type Attributes = Readonly<Record<string, string | undefined>>;

/** Checks every attribute; the device to create, or a `DeviceAttributeError` naming each problem. */
export function endDeviceSpec(
  thingName: string,
  attributes: Attributes,
  defaults: ProvisioningDefaults,
): EndDeviceSpec {
  const problems: DeviceAttributeErrorName[] = [];
  const present = (name: string): string | undefined => {
    const value = attributes[name];
    return value === undefined || value === "" ? undefined : value;
  };

  const devEui = present("devEUI");
  if (devEui === undefined) problems.push("MissingDevEui");
  else if (!EUI_PATTERN.test(devEui)) problems.push("InvalidDevEui");

  const joinEuiAttribute = present("joinEUI");
  const appEuiAttribute = present("appEUI");
  const joinEui = joinEuiAttribute ?? appEuiAttribute;
  if (joinEui === undefined) problems.push("MissingJoinEui");
  else if (!EUI_PATTERN.test(joinEui)) problems.push("InvalidJoinEui");
  else if (
    joinEuiAttribute !== undefined &&
    appEuiAttribute !== undefined &&
    joinEuiAttribute.toUpperCase() !== appEuiAttribute.toUpperCase()
  ) {
    problems.push("ConflictingJoinEui");
  }

  const lorawanVersion = present("lorawanVersion") ?? defaults.lorawanVersion;
  const macVersion = Object.hasOwn(LORAWAN_VERSIONS, lorawanVersion)
    ? LORAWAN_VERSIONS[lorawanVersion as LorawanVersion]
    : undefined;
  if (macVersion === undefined) problems.push("UnsupportedLorawanVersion");

  const phyAttribute = present("regionalParametersVersion") ?? defaults.regionalParametersVersion;
  const phyVersion = Object.hasOwn(REGIONAL_PARAMETERS_VERSIONS, phyAttribute)
    ? REGIONAL_PARAMETERS_VERSIONS[phyAttribute as RegionalParametersVersion]
    : undefined;
  if (phyVersion === undefined) problems.push("UnsupportedRegionalParametersVersion");
  if (
    macVersion !== undefined &&
    phyVersion !== undefined &&
    (macVersion === "MAC_V1_1") !== phyVersion.startsWith("PHY_V1_1")
  ) {
    problems.push("IncompatibleRegionalParametersVersion");
  }

  problems.push(...rootKeyProblems(attributes, macVersion));

  const deviceId = present("deviceID") ?? (devEui !== undefined ? `eui-${devEui.toLowerCase()}` : undefined);
  if (deviceId !== undefined && !isTtsId(deviceId)) problems.push("InvalidDeviceId");

  const applicationId = present("applicationID") ?? defaults.applicationId;
  if (!isTtsId(applicationId)) problems.push("InvalidApplicationId");
  else if (!defaults.applicationIds.includes(applicationId)) problems.push("UnknownApplication");

  const frequencyPlanId = present("frequencyPlanID") ?? defaults.frequencyPlanId;
  if (!FREQUENCY_PLAN_ID_PATTERN.test(frequencyPlanId)) problems.push("InvalidFrequencyPlanId");

  const [first, ...rest] = problems;
  if (first !== undefined) throw new DeviceAttributeError(thingName, [first, ...rest]);
  return {
    thingName,
    applicationId,
    deviceId: deviceId as string,
    devEui: (devEui as string).toUpperCase(),
    joinEui: (joinEui as string).toUpperCase(),
    lorawanVersion: macVersion as TtsMacVersion,
    lorawanPhyVersion: phyVersion as TtsPhyVersion,
    frequencyPlanId,
  };
}

/** The root keys' problems; with an unknown LoRaWAN version, the nwkKey rules cannot be told and are skipped. */
function rootKeyProblems(attributes: Attributes, macVersion: TtsMacVersion | undefined): DeviceAttributeErrorName[] {
  const problems: DeviceAttributeErrorName[] = [];
  const appKey = attributes["appKey"];
  const nwkKey = attributes["nwkKey"];
  if (appKey === undefined || appKey === "") problems.push("MissingAppKey");
  else if (!KEY_PATTERN.test(appKey)) problems.push("InvalidAppKey");
  if (macVersion === "MAC_V1_1") {
    if (nwkKey === undefined || nwkKey === "") problems.push("MissingNwkKey");
    else if (!KEY_PATTERN.test(nwkKey)) problems.push("InvalidNwkKey");
  } else if (macVersion !== undefined && nwkKey !== undefined && nwkKey !== "") {
    problems.push("UnexpectedNwkKey");
  }
  return problems;
}

/** The root keys as the Join Server takes them (upper-case hex); checked again, the thing may have changed. */
export function rootKeysOf(
  thingName: string,
  attributes: Attributes,
  macVersion: TtsMacVersion,
): { readonly appKey: string; readonly nwkKey?: string } {
  const [first, ...rest] = rootKeyProblems(attributes, macVersion);
  if (first !== undefined) throw new DeviceAttributeError(thingName, [first, ...rest]);
  const appKey = (attributes["appKey"] as string).toUpperCase();
  const nwkKey = attributes["nwkKey"];
  return macVersion === "MAC_V1_1" && nwkKey !== undefined ? { appKey, nwkKey: nwkKey.toUpperCase() } : { appKey };
}

/**
 * A thing with no root keys but with `deviceID` and `applicationID` is a device TTS has already: one
 * the upstream workflow created from its traffic, or one this workflow provisioned (and removed the
 * keys of). Its created/updated events are not requests to create anything.
 */
export function isRegisteredInTts(attributes: Attributes): boolean {
  const has = (name: string) => attributes[name] !== undefined && attributes[name] !== "";
  return !KEY_ATTRIBUTES.some(has) && has("deviceID") && has("applicationID");
}
