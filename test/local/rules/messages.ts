/** Builds rule messages for the rules evaluator tests. */
import type { RuleMessage } from "../../../local/rules/index.ts";

export function jsonMessage(topic: string, payload: unknown, clientId?: string): RuleMessage {
  return rawMessage(topic, new TextEncoder().encode(JSON.stringify(payload)), clientId);
}

export function textMessage(topic: string, text: string, clientId?: string): RuleMessage {
  return rawMessage(topic, new TextEncoder().encode(text), clientId);
}

export function rawMessage(topic: string, payload: Uint8Array, clientId?: string): RuleMessage {
  return clientId === undefined ? { topic, payload } : { topic, payload, clientId };
}
