/**
 * The TTS Application Server pub/sub API (`ApplicationPubSubRegistry`, TTS v3 HTTP API), as pure
 * request builders. Routes and body from lorawan-stack's `api/ttn/lorawan/v3/applicationserver_pubsub.proto`:
 *
 * - Set: `PUT /api/v3/as/pubsub/{pubsub.ids.application_ids.application_id}/{pubsub.ids.pub_sub_id}`,
 *   body `SetApplicationPubSubRequest` = `{"pubsub": ApplicationPubSub, "field_mask": {"paths": […]}}`.
 *   An upsert: the Application Server creates the pub/sub when it does not exist (it then adds the ids
 *   to the paths itself), so create and update are the same call.
 * - Delete: `DELETE /api/v3/as/pubsub/{application_ids.application_id}/{pub_sub_id}`.
 *
 * The field mask paths are those `ttn-lw-cli applications pubsubs set` sends for the flags of our
 * `ttn_lw_cli_commands` output (oneofs named: `provider.aws_iot…`, `…deployment.default…`).
 */

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

/** A TTS pub/sub id (TTS id rules: lower case, digits, single dashes, ≤ 36) for our stack name. */
export function ttsPubSubId(stackName: string): string {
  return `aws-iot-${stackName.toLowerCase()}`.slice(0, 36).replace(/-+$/, "");
}

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
