/**
 * One IoT rule per TTS upstream topic (DESIGN §1), all starting the upstream workflow. TTS's own
 * `downlink/push` and `downlink/replace` topics are never matched: we enqueue through the HTTP API.
 */

import { TTS_EVENT_KINDS, TTS_EVENTS, type TtsEventKind, ttsTopicPrefix } from "../functions/core/tts-events.ts";
import { ruleName, SELECT_RULE_EVENT, SQL_VERSION, type TopicRule } from "./topic-rule.ts";

export function upstreamRules(stackName: string): TopicRule[] {
  return TTS_EVENT_KINDS.map((kind) => upstreamRule(stackName, kind));
}

function upstreamRule(stackName: string, kind: TtsEventKind): TopicRule {
  const { ttsTopic } = TTS_EVENTS[kind];
  const event = ttsTopic.replace(/\//g, "-");
  return {
    name: ruleName("tts", stackName, event),
    description: `TTS ${ttsTopic} messages of stack ${stackName} → upstream workflow`,
    sql: `${SELECT_RULE_EVENT} FROM '${ttsTopicPrefix(stackName)}/${ttsTopic}'`,
    sqlVersion: SQL_VERSION,
    workflow: "upstream",
    executionNamePrefix: event,
  };
}
