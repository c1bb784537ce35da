/**
 * The Application Server's pub/sub registry (lorawan-stack `pkg/applicationserver/io/pubsub/grpc_pubsub.go`
 * and its Redis registry): set is an upsert under a field mask, get and list answer the masked fields
 * plus `ids`, `format`, the provider, `base_topic` and the timestamps, delete of an absent pub/sub is
 * fine. Mask paths name the provider oneof (`provider.aws_iot.region`) where the JSON does not
 * (`"aws_iot": {"region": …}`); `toJsonPaths` maps one to the other. Bounded by `maxPubSubs`.
 */
import { applyFieldMask, forbiddenPaths, getAt, isObject, selectFields } from "./field-mask.ts";
import { ttsErrors } from "./tts-api-errors.ts";
import { PUBSUB_PATHS } from "./tts-field-masks.ts";

export type PubSubJson = Record<string, unknown>;

/** Far more than one application's integrations; a loop creating pub/subs hears `registry_full`. */
export const DEFAULT_MAX_PUBSUBS = 100;

const PROVIDERS = ["nats", "mqtt", "aws_iot"] as const;
/** What TTS's Get, List and Set always answer (grpc_pubsub.go and the Redis registry's implicit paths). */
const IMPLICIT_PATHS = ["ids", "created_at", "updated_at", "format", "provider", "base_topic"];

const PUB_SUB_ID = /^[a-z0-9](?:-?[a-z0-9]){2,}$/;
/** `AWSIoTProvider.region`'s `in` rule in applicationserver_pubsub.proto. */
const AWS_IOT_REGIONS = new Set([
  "af-south-1",
  "ap-east-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-south-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ca-central-1",
  "eu-central-1",
  "eu-north-1",
  "eu-south-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "me-south-1",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
]);

/** The proto's validation rules of the fields the simulator checks, by JSON path. */
const RULES: Readonly<
  Record<string, { readonly pattern?: RegExp; readonly maxLength?: number; readonly in?: Set<string> }>
> = {
  format: { pattern: PUB_SUB_ID, maxLength: 20 },
  "aws_iot.region": { in: AWS_IOT_REGIONS },
  "aws_iot.endpoint_address": {
    pattern:
      /^((([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])|)$/,
    maxLength: 128,
  },
  "aws_iot.assume_role.arn": { pattern: /^arn:aws:iam::[0-9]{12}:role\/[A-Za-z0-9_+=,.@-]+$/ },
  "aws_iot.assume_role.external_id": { pattern: /^[\w+=,.@:/-]*$/, maxLength: 1224 },
  "aws_iot.default.stack_name": { pattern: /^[A-Za-z][A-Za-z0-9-]*$/, maxLength: 128 },
};

/** `provider.aws_iot.deployment.default.stack_name` → `aws_iot.default.stack_name`; `provider` → every provider. */
export function toJsonPaths(maskPath: string): string[] {
  const segments = maskPath.split(".");
  if (segments[0] !== "provider") return [maskPath];
  if (segments.length === 1) return [...PROVIDERS];
  // `deployment` is AWSIoTProvider's oneof of one member, `default`.
  const inProvider = segments.slice(1);
  if (inProvider[1] === "deployment") inProvider.splice(1, 1, ...(inProvider.length === 2 ? ["default"] : []));
  return [inProvider.join(".")];
}

export class PubSubRegistry {
  readonly maxPubSubs: number;
  private readonly pubsubs = new Map<string, PubSubJson>();

  constructor(maxPubSubs = DEFAULT_MAX_PUBSUBS) {
    this.maxPubSubs = maxPubSubs;
  }

  /** A copy of the stored pub/sub, all fields. */
  get(applicationId: string, pubSubId: string): PubSubJson | undefined {
    const pubsub = this.pubsubs.get(key(applicationId, pubSubId));
    return pubsub === undefined ? undefined : structuredClone(pubsub);
  }

  /** Copies of the application's pub/subs, all fields. */
  list(applicationId: string): PubSubJson[] {
    return [...this.pubsubs.values()]
      .filter((pubsub) => getAt(pubsub, "ids.application_ids.application_id") === applicationId)
      .map((pubsub) => structuredClone(pubsub));
  }

  /** `PUT /api/v3/as/pubsub/{application_id}/{pub_sub_id}` with `{"pubsub": …, "field_mask": {"paths": […]}}`. */
  set(applicationId: string, pubSubId: string, body: unknown, now: Date): PubSubJson {
    const given = isObject(body) && isObject(body["pubsub"]) ? body["pubsub"] : undefined;
    if (given === undefined) throw ttsErrors.validation("pubsub", "value is required");
    const maskPaths = maskPathsOf(body);
    const forbidden = forbiddenPaths(maskPaths, PUBSUB_PATHS);
    if (forbidden.length > 0) throw ttsErrors.fieldMaskPaths(forbidden);
    if (!PUB_SUB_ID.test(pubSubId) || pubSubId.length > 36)
      throw ttsErrors.validation("ids.pub_sub_id", `value does not match regex pattern "${PUB_SUB_ID.source}"`);
    const paths = maskPaths.flatMap(toJsonPaths);
    for (const path of paths) checkRules(given, path);

    const stored = this.pubsubs.get(key(applicationId, pubSubId));
    const written = applyFieldMask(withoutOtherProviders(stored ?? {}, given, paths), given, paths);
    if (!PROVIDERS.some((provider) => written[provider] !== undefined))
      throw ttsErrors.validation("provider", "value is required");
    const at = now.toISOString();
    const pubsub: PubSubJson = {
      ...written,
      ids: { application_ids: { application_id: applicationId }, pub_sub_id: pubSubId },
      created_at: stored?.["created_at"] ?? at,
      updated_at: at,
    };
    if (stored === undefined && this.pubsubs.size >= this.maxPubSubs)
      throw ttsErrors.registryFull("pub/sub registry", this.maxPubSubs);
    this.pubsubs.set(key(applicationId, pubSubId), pubsub);
    return answerFields(pubsub, maskPaths);
  }

  /** `GET /api/v3/as/pubsub/{application_id}/{pub_sub_id}?field_mask=…`. */
  answerGet(applicationId: string, pubSubId: string, maskPaths: readonly string[]): PubSubJson {
    checkGetMask(maskPaths);
    const pubsub = this.pubsubs.get(key(applicationId, pubSubId));
    if (pubsub === undefined) throw ttsErrors.entityNotFound();
    return answerFields(pubsub, maskPaths);
  }

  /** `GET /api/v3/as/pubsub/{application_id}`: `{"pubsubs": […]}`, or `{}` when there are none (TTS omits empty lists). */
  answerList(applicationId: string, maskPaths: readonly string[]): { pubsubs?: PubSubJson[] } {
    checkGetMask(maskPaths);
    const pubsubs = this.list(applicationId).map((pubsub) => answerFields(pubsub, maskPaths));
    return pubsubs.length === 0 ? {} : { pubsubs };
  }

  /** `DELETE …`: removing an absent pub/sub is no error in TTS. */
  delete(applicationId: string, pubSubId: string): void {
    this.pubsubs.delete(key(applicationId, pubSubId));
  }
}

function key(applicationId: string, pubSubId: string): string {
  return `${applicationId}/${pubSubId}`;
}

function maskPathsOf(body: unknown): string[] {
  const mask = isObject(body) ? body["field_mask"] : undefined;
  const paths = isObject(mask) ? mask["paths"] : typeof mask === "string" ? mask.split(",") : [];
  if (!Array.isArray(paths) || !paths.every((path) => typeof path === "string"))
    throw ttsErrors.validation("field_mask.paths", "must be a list of strings");
  return paths.filter((path) => path !== "");
}

function checkGetMask(maskPaths: readonly string[]): void {
  const forbidden = forbiddenPaths(maskPaths, PUBSUB_PATHS);
  if (forbidden.length > 0) throw ttsErrors.fieldMaskPaths(forbidden);
}

function answerFields(pubsub: PubSubJson, maskPaths: readonly string[]): PubSubJson {
  return selectFields(pubsub, [...IMPLICIT_PATHS.flatMap(toJsonPaths), ...maskPaths.flatMap(toJsonPaths)]);
}

/** Setting one provider of the oneof clears the others, as protobuf does. */
function withoutOtherProviders(stored: PubSubJson, given: PubSubJson, paths: readonly string[]): PubSubJson {
  const chosen = PROVIDERS.find(
    (provider) => given[provider] !== undefined && paths.some((p) => p.startsWith(provider)),
  );
  if (chosen === undefined) return stored;
  return Object.fromEntries(
    Object.entries(stored).filter(([field]) => field === chosen || !(PROVIDERS as readonly string[]).includes(field)),
  );
}

/** The rules of every checked field at or below `path` that the request sets. */
function checkRules(given: PubSubJson, path: string): void {
  for (const [field, rule] of Object.entries(RULES)) {
    if (field !== path && !field.startsWith(`${path}.`)) continue;
    const value = getAt(given, field);
    if (value === undefined) continue;
    const maskPath = field.startsWith("aws_iot.")
      ? `provider.${field.replace("aws_iot.default", "aws_iot.deployment.default")}`
      : field;
    if (typeof value !== "string") throw ttsErrors.validation(maskPath, "value must be a string");
    if (rule.maxLength !== undefined && value.length > rule.maxLength)
      throw ttsErrors.validation(maskPath, `value length must be at most ${rule.maxLength} runes`);
    if (rule.pattern !== undefined && !rule.pattern.test(value))
      throw ttsErrors.validation(maskPath, `value does not match regex pattern "${rule.pattern.source}"`);
    if (rule.in !== undefined && !rule.in.has(value))
      throw ttsErrors.validation(maskPath, `value must be in list [${[...rule.in].join(" ")}]`);
  }
}
