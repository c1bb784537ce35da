/**
 * TTS's application rights (lorawan-stack `api/ttn/lorawan/v3/rights.proto`, enum `Right`) as an
 * application API key holds them, with the rights TTS lets one right imply (`pkg/ttnpb/rights.go`,
 * `Right.Implied`). A simulated API key belongs to one application, so only application rights exist here.
 */
import { requiredTtsRights } from "../../functions/tts/rights.ts";
import { InvalidSimulatorOptionsError } from "./errors.ts";

/** Name → enum number; JSON carries the name, TTS sorts nothing, the simulator sorts by number. */
const APPLICATION_RIGHT_NUMBERS = {
  RIGHT_APPLICATION_INFO: 15,
  RIGHT_APPLICATION_SETTINGS_BASIC: 16,
  RIGHT_APPLICATION_SETTINGS_API_KEYS: 17,
  RIGHT_APPLICATION_SETTINGS_COLLABORATORS: 18,
  RIGHT_APPLICATION_DELETE: 19,
  RIGHT_APPLICATION_DEVICES_READ: 20,
  RIGHT_APPLICATION_DEVICES_WRITE: 21,
  RIGHT_APPLICATION_DEVICES_READ_KEYS: 22,
  RIGHT_APPLICATION_DEVICES_WRITE_KEYS: 23,
  RIGHT_APPLICATION_TRAFFIC_READ: 24,
  RIGHT_APPLICATION_TRAFFIC_UP_WRITE: 25,
  RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE: 26,
  RIGHT_APPLICATION_LINK: 27,
  RIGHT_APPLICATION_ALL: 28,
  RIGHT_APPLICATION_SETTINGS_PACKAGES: 56,
} as const;

export type TtsRight = keyof typeof APPLICATION_RIGHT_NUMBERS;
export const APPLICATION_RIGHTS = (Object.keys(APPLICATION_RIGHT_NUMBERS) as TtsRight[]).sort(byNumber);

/**
 * The simulated key's rights by default: what a deployment with every option on needs
 * (`requiredTtsRights`, the list `doctor` checks), and the application's info.
 */
export const DEPLOYMENT_RIGHTS: readonly TtsRight[] = [
  "RIGHT_APPLICATION_INFO" as const,
  ...requiredTtsRights({ configurePubSub: true, provisioning: true }),
].sort(byNumber);

export function isTtsRight(value: string): value is TtsRight {
  return Object.hasOwn(APPLICATION_RIGHT_NUMBERS, value);
}

function byNumber(a: TtsRight, b: TtsRight): number {
  return APPLICATION_RIGHT_NUMBERS[a] - APPLICATION_RIGHT_NUMBERS[b];
}

function implied(right: TtsRight): readonly TtsRight[] {
  switch (right) {
    case "RIGHT_APPLICATION_ALL":
      return APPLICATION_RIGHTS;
    case "RIGHT_APPLICATION_LINK":
      return ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ", "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"];
    default:
      return [];
  }
}

/** The rights with those they imply, each once, in enum order: what `…/rights` and `auth_info` list. */
export function impliedRights(rights: Iterable<TtsRight>): TtsRight[] {
  const all = new Set<TtsRight>();
  for (const right of rights) {
    all.add(right);
    for (const more of implied(right)) all.add(more);
  }
  return [...all].sort(byNumber);
}

/** `required` minus what `held` grants (after implication): TTS's `missing` attribute. */
export function missingRights(held: Iterable<TtsRight>, required: Iterable<TtsRight>): TtsRight[] {
  const granted = new Set(impliedRights(held));
  return [...new Set(required)].filter((right) => !granted.has(right)).sort(byNumber);
}

/**
 * `RIGHT_APPLICATION_INFO,RIGHT_APPLICATION_TRAFFIC_READ` (commas or spaces) → the rights; throws
 * `InvalidSimulatorOptionsError` naming an unknown one. Empty: a key without rights.
 */
export function parseRights(text: string): TtsRight[] {
  const names = text.split(/[\s,]+/).filter((name) => name !== "");
  const unknown = names.filter((name) => !isTtsRight(name));
  if (unknown.length > 0) {
    throw new InvalidSimulatorOptionsError(
      `unknown TTS application right(s) ${unknown.join(", ")}; known: ${APPLICATION_RIGHTS.join(", ")}`,
    );
  }
  return [...new Set(names as TtsRight[])];
}
