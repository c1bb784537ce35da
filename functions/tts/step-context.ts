/**
 * What a step that calls TTS is built from: its settings, the application keys and (in tests) a
 * transport, `fetch` or a stand-in (`transport.ts`); and the `TtsDeps` its pure function takes. One
 * definition for the TTS steps.
 */
import type { Environment, SdkOverrides } from "../runtime/aws-clients.ts";
import { loadSettings, type Settings } from "../settings.ts";
import { type ApiKeys, apiKeysFor } from "./api-keys.ts";
import { callTts, type TtsAnswer, type TtsCall } from "./http.ts";
import type { TtsTransport } from "./transport.ts";

export type TtsFunctionName =
  | "enqueue-downlink"
  | "find-queued-downlink"
  | "configure-tts-pubsub"
  | "register-end-device"
  | "register-root-keys";

export interface TtsStepContext<F extends TtsFunctionName> {
  readonly config: Settings<F>;
  readonly apiKeys: ApiKeys;
  readonly transport?: TtsTransport;
}

export interface TtsDeps {
  readonly apiKeys: ApiKeys;
  readonly ttsUrl: string;
  readonly timeoutMs: number;
  readonly transport?: TtsTransport | undefined;
}

/** One TTS call with the step's cluster URL, timeout and transport. */
export function callTtsWith(
  deps: TtsDeps,
  apiKey: string,
  request: Pick<TtsCall, "method" | "path" | "body">,
): Promise<TtsAnswer> {
  return callTts({ ttsUrl: deps.ttsUrl, apiKey, ...request, timeoutMs: deps.timeoutMs, transport: deps.transport });
}

export function ttsDeps({ config, apiKeys, transport }: TtsStepContext<TtsFunctionName>): TtsDeps {
  return { apiKeys, ttsUrl: config.TTS_URL, timeoutMs: config.TTS_REQUEST_TIMEOUT_MS, transport };
}

/** `apiKeyTtlSeconds` unset: the function's `TTS_API_KEY_CACHE_SECONDS` (see `apiKeysFor`). */
export function ttsStepContextFromEnvironment<F extends TtsFunctionName>(
  name: F,
  env: Environment,
  apiKeyTtlSeconds?: number,
  sdk: SdkOverrides = {},
): TtsStepContext<F> {
  const config = loadSettings(name, env);
  return { config, apiKeys: apiKeysFor(env, config, apiKeyTtlSeconds, sdk) };
}
