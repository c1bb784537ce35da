/**
 * One IoT rule per TTS upstream topic (DESIGN §1), all starting the upstream workflow. TTS's own
 * `downlink/push` and `downlink/replace` topics are never matched: we enqueue through the HTTP API.
 *
 * The SQL base64-encodes the payload so that non-JSON garbage still starts an execution that fails
 * with a clear cause, rather than being dropped by the rules engine.
 */
import { SQL_VERSION, ruleName, type TopicRule } from "./topic-rule.ts";
import { TTS_EVENTS, TTS_EVENT_KINDS, ttsTopicPrefix, type TtsEventKind } from "../functions/core/tts-events.ts";
import { UPSTREAM_EVENT_FIELDS as F } from "../functions/core/upstream-event.ts";

const SELECT_UPSTREAM_EVENT =
  `SELECT encode(*, 'base64') AS ${F.payload}, topic() AS ${F.topic}, ` +
  `clientid() AS ${F.clientId}, timestamp() AS ${F.timestamp}`;

export function upstreamRules(stackName: string): TopicRule[] {
  return TTS_EVENT_KINDS.map((kind) => upstreamRule(stackName, kind));
}

function upstreamRule(stackName: string, kind: TtsEventKind): TopicRule {
  const { ttsTopic } = TTS_EVENTS[kind];
  const event = ttsTopic.replace(/\//g, "-");
  return {
    name: ruleName("tts", stackName, event),
    description: `TTS ${ttsTopic} messages of stack ${stackName} → upstream workflow`,
    sql: `${SELECT_UPSTREAM_EVENT} FROM '${ttsTopicPrefix(stackName)}/${ttsTopic}'`,
    sqlVersion: SQL_VERSION,
    workflow: "upstream",
    executionNamePrefix: event,
  };
}
