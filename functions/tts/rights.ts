/**
 * What a TTS API key may do in its application, and what this deployment needs it to do. TTS v3:
 * `ApplicationAccess.ListRights`, `GET /api/v3/applications/{application_id}/rights`, answers
 * `Rights` = `{"rights": ["RIGHT_APPLICATION_INFO", …]}` (lorawan-stack
 * `api/ttn/lorawan/v3/application_services.proto`, `rights.proto`).
 */
import { answerText, callTts } from "./http.ts";
import type { TtsTransport } from "./transport.ts";

/** The `Right` enum names we ask for (lorawan-stack `rights.proto`). */
export const TTS_RIGHTS = {
  settingsBasic: "RIGHT_APPLICATION_SETTINGS_BASIC",
  trafficRead: "RIGHT_APPLICATION_TRAFFIC_READ",
  trafficDownWrite: "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE",
  devicesRead: "RIGHT_APPLICATION_DEVICES_READ",
  devicesWrite: "RIGHT_APPLICATION_DEVICES_WRITE",
  devicesWriteKeys: "RIGHT_APPLICATION_DEVICES_WRITE_KEYS",
} as const;
export type TtsRight = (typeof TTS_RIGHTS)[keyof typeof TTS_RIGHTS];

/** Why each right is needed, for the operator reading a missing one. */
export const RIGHT_USES: Readonly<Record<TtsRight, string>> = {
  [TTS_RIGHTS.trafficDownWrite]: "enqueue downlinks (down/push, down/replace)",
  [TTS_RIGHTS.trafficRead]: "read a device's downlink queue (and the pub/sub)",
  [TTS_RIGHTS.settingsBasic]: "set and delete the pub/sub (configurePubSub)",
  [TTS_RIGHTS.devicesRead]: "tell a repeated provisioning event from a device TTS already had (provisioning)",
  [TTS_RIGHTS.devicesWrite]: "create and delete devices in the four registries (provisioning)",
  [TTS_RIGHTS.devicesWriteKeys]: "give the Join Server a device's root keys (provisioning)",
};

/**
 * The rights a deployment's key needs. The downlink steps push (traffic down write) and look into
 * the queue (traffic read). With `configurePubSub` the key also sets and deletes the pub/sub, which
 * TTS's Application Server allows with settings basic, traffic read and traffic down write
 * (`pkg/applicationserver/io/pubsub/grpc.go`: Set, Delete). TTS has no pub/sub-specific right.
 * With provisioning the key creates devices (devices write, and write keys for the Join Server's
 * root keys) and reads one back after a 409 (devices read).
 */
export function requiredTtsRights(options: {
  readonly configurePubSub: boolean;
  readonly provisioning: boolean;
}): readonly TtsRight[] {
  return [
    TTS_RIGHTS.trafficRead,
    TTS_RIGHTS.trafficDownWrite,
    ...(options.configurePubSub ? [TTS_RIGHTS.settingsBasic] : []),
    ...(options.provisioning ? [TTS_RIGHTS.devicesRead, TTS_RIGHTS.devicesWrite, TTS_RIGHTS.devicesWriteKeys] : []),
  ];
}

/**
 * Pseudo-rights and what they imply (`rights.proto`): `RIGHT_ALL` and `RIGHT_APPLICATION_ALL` every
 * application right; `RIGHT_APPLICATION_LINK` info, traffic read and traffic down write.
 */
const IMPLIED: Readonly<Record<string, readonly TtsRight[]>> = {
  RIGHT_ALL: Object.values(TTS_RIGHTS),
  RIGHT_APPLICATION_ALL: Object.values(TTS_RIGHTS),
  RIGHT_APPLICATION_LINK: [TTS_RIGHTS.trafficRead, TTS_RIGHTS.trafficDownWrite],
};

export class TtsRightsAnswerError extends Error {
  override readonly name = "TtsRightsAnswerError";
}

/** The rights of a `Rights` answer, pseudo-rights expanded. `{}` is no rights (TTS omits empty lists). */
export function parseTtsRights(body: unknown): ReadonlySet<string> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new TtsRightsAnswerError("TTS's rights answer is not a JSON object");
  }
  const { rights = [] } = body as { rights?: unknown };
  if (!Array.isArray(rights) || !rights.every((right) => typeof right === "string")) {
    throw new TtsRightsAnswerError('TTS\'s rights answer has no list of rights ({"rights": ["RIGHT_…"]})');
  }
  return new Set(rights.flatMap((right: string) => [right, ...(IMPLIED[right] ?? [])]));
}

export function missingTtsRights(granted: ReadonlySet<string>, required: readonly TtsRight[]): TtsRight[] {
  return required.filter((right) => !granted.has(right));
}

export function ttsRightsPath(applicationId: string): string {
  return `/api/v3/applications/${encodeURIComponent(applicationId)}/rights`;
}

export interface TtsApplicationCall {
  readonly ttsUrl: string;
  readonly apiKey: string;
  readonly applicationId: string;
  readonly timeoutMs: number;
}

/** The key's rights, or TTS's refusal (status and text), or why TTS could not be asked. */
export type TtsRightsLookup =
  | { readonly kind: "rights"; readonly rights: ReadonlySet<string> }
  | { readonly kind: "refused"; readonly status: number; readonly message: string }
  | { readonly kind: "unreachable"; readonly message: string };

export async function readTtsRights(call: TtsApplicationCall, transport?: TtsTransport): Promise<TtsRightsLookup> {
  const answer = await callTts({
    ttsUrl: call.ttsUrl,
    apiKey: call.apiKey,
    method: "GET",
    path: ttsRightsPath(call.applicationId),
    timeoutMs: call.timeoutMs,
    transport,
  });
  if (!answer.reached) return { kind: "unreachable", message: answer.reason };
  if (!answer.ok) return { kind: "refused", status: answer.status, message: answerText(answer) };
  return { kind: "rights", rights: parseTtsRights(answer.body) };
}
