/**
 * Configure-pub/sub step, invoked by Terraform (`aws_lambda_invocation`, lifecycle scope `CRUD`) once
 * per TTS application when `tts.configurePubSub` is on (see `configure-tts-pubsub.ts`). The provider
 * adds `tf: {"action": "create"|"update"|"delete", "prev_input": <previous input> | null}` to the input.
 */

import { STACK_NAME_PATTERN } from "../core/thing-name.ts";
import { ttsIdSchema } from "../core/tts-id.ts";
import * as z from "../core/zod.ts";
import type { Environment, SdkOverrides } from "../runtime/aws-clients.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { type TtsStepContext, ttsDeps, ttsStepContextFromEnvironment } from "../tts/step-context.ts";
import { configureTtsPubSub } from "./configure-tts-pubsub.ts";

/** TTS's pub/sub id rule (`ApplicationPubSubIdentifiers.pub_sub_id`). */
const PUB_SUB_ID_PATTERN = /^[a-z0-9](?:-?[a-z0-9]){2,}$/;

export const ConfigureTtsPubSubInputSchema = z.object({
  applicationId: ttsIdSchema("application ID"),
  pubSubId: z.string().check(z.maxLength(36), z.regex(PUB_SUB_ID_PATTERN, "is not a TTS pub/sub id")),
  region: z.string().check(z.minLength(1)),
  roleArn: z.string().check(z.startsWith("arn:", "must be an ARN")),
  externalId: z.string().check(z.minLength(1)),
  endpointAddress: z.string().check(z.minLength(1)),
  stackName: z.string().check(z.regex(STACK_NAME_PATTERN, "is not a TTS stack name")),
  tf: z.object({
    action: z.enum(["create", "update", "delete"]),
    prev_input: z.optional(
      z.nullable(z.object({ applicationId: z.optional(z.string()), pubSubId: z.optional(z.string()) })),
    ),
  }),
});

export type ConfigureTtsPubSubContext = TtsStepContext<"configure-tts-pubsub">;

export function createConfigureTtsPubSubHandler(context: () => ConfigureTtsPubSubContext) {
  return step(ConfigureTtsPubSubInputSchema, async ({ tf, ...pubSub }) =>
    configureTtsPubSub({ action: tf.action, pubSub, previous: tf.prev_input ?? undefined }, ttsDeps(context())),
  );
}

export function contextFromEnvironment(env: Environment, sdk: SdkOverrides = {}): ConfigureTtsPubSubContext {
  // Keys read afresh on every invocation: Terraform runs this rarely, right after keys may have been put.
  return ttsStepContextFromEnvironment("configure-tts-pubsub", env, 0, sdk);
}

export const handler = createConfigureTtsPubSubHandler(once(() => contextFromEnvironment(process.env)));
