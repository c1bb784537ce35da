/**
 * The TTS Application Server pub/sub API (`ApplicationPubSubRegistry`, TTS v3 HTTP API), as pure
 * request builders. Routes and body from lorawan-stack's `api/ttn/lorawan/v3/applicationserver_pubsub.proto`:
 *
 * - Set: `PUT /api/v3/as/pubsub/{pubsub.ids.application_ids.application_id}/{pubsub.ids.pub_sub_id}`,
 *   body `SetApplicationPubSubRequest` = `{"pubsub": ApplicationPubSub, "field_mask": {"paths": […]}}`.
 *   An upsert: the Application Server creates the pub/sub when it does not exist (it then adds the ids
 *   to the paths itself), so create and update are the same call.
 * - Delete: `DELETE /api/v3/as/pubsub/{application_ids.application_id}/{pub_sub_id}`.
 * - Get: `GET /api/v3/as/pubsub/{ids.application_ids.application_id}/{ids.pub_sub_id}`; List:
 *   `GET /api/v3/as/pubsub/{application_ids.application_id}` → `{"pubsubs": [ApplicationPubSub]}`. Both
 *   answer the provider without a field mask (the Application Server always adds `format`, `provider`
 *   and `base_topic` to the paths it reads: `pkg/applicationserver/io/pubsub/grpc.go`) and need the
 *   key's traffic read right.
 *
 * The field mask paths are those `ttn-lw-cli applications pubsubs set` sends for the flags of our
 * `ttn_lw_cli_commands` output (oneofs named: `provider.aws_iot…`, `…deployment.default…`).
 */

import { answerText, callTts } from "./http.ts";
import type { TtsTransport } from "./transport.ts";

/** A TTS pub/sub id (TTS id rules: lower case, digits, single dashes, ≤ 36) for our stack name. */
export function ttsPubSubId(stackName: string): string {
  return `aws-iot-${stackName.toLowerCase()}`.slice(0, 36).replace(/-+$/, "");
}

/** The IAM role the stack makes for TTS's pub/sub to assume. */
export function ttsRoleName(stackName: string): string {
  return `${stackName}-tts`;
}

export interface AwsIotPubSub {
  readonly applicationId: string;
  readonly pubSubId: string;
  readonly region: string;
  readonly roleArn: string;
  readonly externalId: string;
  readonly endpointAddress: string;
  readonly stackName: string;
}

export interface TtsPubSubRequest {
  readonly method: "PUT" | "DELETE";
  /** Relative to the cluster URL, e.g. `/api/v3/as/pubsub/app1/aws-iot-prod`. */
  readonly path: string;
  readonly body?: unknown;
}

/** What a set writes; everything else of an existing pub/sub (base topic, message topics) is left alone. */
export const AWS_IOT_PUBSUB_FIELD_MASK = [
  "format",
  "provider.aws_iot.region",
  "provider.aws_iot.endpoint_address",
  "provider.aws_iot.assume_role.arn",
  "provider.aws_iot.assume_role.external_id",
  "provider.aws_iot.deployment.default.stack_name",
] as const;

export function ttsPubSubPath(applicationId: string, pubSubId: string): string {
  return `/api/v3/as/pubsub/${encodeURIComponent(applicationId)}/${encodeURIComponent(pubSubId)}`;
}

/** Create or update (TTS's Set is an upsert). */
export function setAwsIotPubSubRequest(pubSub: AwsIotPubSub): TtsPubSubRequest {
  return {
    method: "PUT",
    path: ttsPubSubPath(pubSub.applicationId, pubSub.pubSubId),
    body: {
      pubsub: {
        ids: { application_ids: { application_id: pubSub.applicationId }, pub_sub_id: pubSub.pubSubId },
        format: "json",
        aws_iot: {
          region: pubSub.region,
          endpoint_address: pubSub.endpointAddress,
          assume_role: { arn: pubSub.roleArn, external_id: pubSub.externalId },
          default: { stack_name: pubSub.stackName },
        },
      },
      field_mask: { paths: [...AWS_IOT_PUBSUB_FIELD_MASK] },
    },
  };
}

export function deletePubSubRequest(applicationId: string, pubSubId: string): TtsPubSubRequest {
  return { method: "DELETE", path: ttsPubSubPath(applicationId, pubSubId) };
}

/** What an AWS IoT pub/sub in TTS points at (its `provider.aws_iot`); empty strings where TTS has none. */
export interface AwsIotPubSubSettings {
  readonly pubSubId: string;
  readonly region: string;
  readonly roleArn: string;
  readonly endpointAddress: string;
  /** The default integration's stack name; empty when the pub/sub uses custom topics instead. */
  readonly stackName: string;
}

/** An `ApplicationPubSub` (TTS JSON: zero values omitted) as AWS IoT settings; undefined for another provider. */
export function parseAwsIotPubSub(body: unknown): AwsIotPubSubSettings | undefined {
  const pubSub = record(body);
  const awsIot = pubSub["aws_iot"];
  if (awsIot === undefined) return undefined;
  const provider = record(awsIot);
  return {
    pubSubId: text(record(pubSub["ids"])["pub_sub_id"]),
    region: text(provider["region"]),
    roleArn: text(record(provider["assume_role"])["arn"]),
    endpointAddress: text(provider["endpoint_address"]),
    stackName: text(record(provider["default"])["stack_name"]),
  };
}

/** Every AWS IoT pub/sub of an `ApplicationPubSubs` answer (`{}` when the application has none). */
export function parseAwsIotPubSubs(body: unknown): AwsIotPubSubSettings[] {
  const { pubsubs } = record(body);
  if (!Array.isArray(pubsubs)) return [];
  return pubsubs.flatMap((pubSub) => parseAwsIotPubSub(pubSub) ?? []);
}

/** What a pub/sub must point at to deliver to this deployment (`endpointAddress` empty: not known). */
export interface AwsIotPubSubTarget {
  readonly region: string;
  readonly roleArn: string;
  readonly stackName: string;
  readonly endpointAddress: string;
}

/** `region eu-west-1 (expected us-east-1)` for each setting that does not point at the target. */
export function pubSubMismatches(found: AwsIotPubSubSettings, target: AwsIotPubSubTarget): string[] {
  const differs = (name: string, value: string, expected: string) =>
    value === expected ? [] : [`${name} ${value === "" ? "not set" : value} (expected ${expected})`];
  return [
    ...differs("region", found.region, target.region),
    ...differs("role ARN", found.roleArn, target.roleArn),
    ...differs("stack name", found.stackName, target.stackName),
    // An empty address is TTS's to discover; an unknown expected one cannot be compared.
    ...(found.endpointAddress === "" || target.endpointAddress === ""
      ? []
      : differs("endpoint address", found.endpointAddress, target.endpointAddress)),
  ];
}

/**
 * An application's AWS IoT pub/sub as TTS has it: the one named `pubSubId` if there is one, else
 * (entered by hand under another id) the one whose stack name is the target's; `absent` lists the
 * AWS IoT pub/subs the application has instead.
 */
export type TtsPubSubLookup =
  | { readonly kind: "found"; readonly pubSub: AwsIotPubSubSettings }
  | { readonly kind: "absent"; readonly others: readonly AwsIotPubSubSettings[] }
  | { readonly kind: "refused"; readonly status: number; readonly message: string }
  | { readonly kind: "unreachable"; readonly message: string };

export async function findAwsIotPubSub(
  call: {
    readonly ttsUrl: string;
    readonly apiKey: string;
    readonly applicationId: string;
    readonly pubSubId: string;
    readonly stackName: string;
    readonly timeoutMs: number;
  },
  transport?: TtsTransport,
): Promise<TtsPubSubLookup> {
  const get = (path: string) =>
    callTts({
      ttsUrl: call.ttsUrl,
      apiKey: call.apiKey,
      method: "GET",
      path,
      timeoutMs: call.timeoutMs,
      transport,
    });
  const byId = await get(ttsPubSubPath(call.applicationId, call.pubSubId));
  if (!byId.reached) return { kind: "unreachable", message: byId.reason };
  if (byId.ok) {
    const pubSub = parseAwsIotPubSub(byId.body);
    if (pubSub !== undefined) return { kind: "found", pubSub };
  } else if (byId.status !== 404) {
    return { kind: "refused", status: byId.status, message: answerText(byId) };
  }
  const listed = await get(`/api/v3/as/pubsub/${encodeURIComponent(call.applicationId)}`);
  if (!listed.reached) return { kind: "unreachable", message: listed.reason };
  if (!listed.ok) return { kind: "refused", status: listed.status, message: answerText(listed) };
  const pubSubs = parseAwsIotPubSubs(listed.body);
  const ours = pubSubs.find((pubSub) => pubSub.stackName === call.stackName);
  return ours === undefined ? { kind: "absent", others: pubSubs } : { kind: "found", pubSub: ours };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}
