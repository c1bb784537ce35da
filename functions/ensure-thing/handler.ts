/**
 * EnsureThing step: parses the TTS message the rule delivered, names the device's thing and makes
 * sure it exists. Its output feeds the shadow and republish steps; the message itself stays in the
 * workflow's input, once (see upstream-budget.ts).
 */

import { type RuleEvent, RuleEventSchema, ruleEventTime } from "../core/rule-event.ts";
import { thingAttributesFor, thingNameFor } from "../core/thing-name.ts";
import { republishTopic, type TtsEventKind } from "../core/tts-events.ts";
import { parseTtsPayload } from "../core/tts-message.ts";
import { type Environment, iotClientFor, type SdkOverrides } from "../runtime/aws-clients.ts";
import { once } from "../runtime/once.ts";
import { step } from "../runtime/step.ts";
import { loadSettings, type Settings } from "../settings.ts";
import { createKnownThings, type EnsureThingDeps, type EnsureThingOutcome, ensureThing } from "./ensure-thing.ts";
import { assertFitsUpstreamWorkflow } from "./upstream-budget.ts";

export interface EnsureThingResult {
  readonly thingName: string;
  readonly event: TtsEventKind;
  readonly republishTopic: string;
  /** The message's `received_at`, else when the rule saw it. */
  readonly receivedAt: string;
  readonly thing: EnsureThingOutcome;
}

export type EnsureThingContext = { readonly config: Settings<"ensure-thing"> } & EnsureThingDeps;

export function createEnsureThingHandler(context: () => EnsureThingContext) {
  return step(RuleEventSchema, async (event: RuleEvent): Promise<EnsureThingResult> => {
    const { config, ...deps } = context();
    assertFitsUpstreamWorkflow(event);
    const { kind, message } = parseTtsPayload(Buffer.from(event.payload, "base64"));
    const thingName = thingNameFor(message.end_device_ids, config.THING_NAME_SCHEME, config.STACK_NAME);
    const thing = await ensureThing(
      { thingName, attributes: thingAttributesFor(message.end_device_ids, config.STACK_NAME) },
      deps,
    );
    return {
      thingName,
      event: kind,
      republishTopic: republishTopic(thingName, kind),
      receivedAt: message.received_at ?? ruleEventTime(event),
      thing,
    };
  });
}

export function contextFromEnvironment(env: Environment, sdk: SdkOverrides = {}): EnsureThingContext {
  const config = loadSettings("ensure-thing", env);
  return {
    config,
    iot: iotClientFor(env, sdk),
    thingTypeName: config.THING_TYPE_NAME,
    knownThings: createKnownThings({
      maxEntries: config.THING_CACHE_MAX_ENTRIES,
      ttlSeconds: config.THING_CACHE_TTL_SECONDS,
    }),
  };
}

export const handler = createEnsureThingHandler(once(() => contextFromEnvironment(process.env)));
