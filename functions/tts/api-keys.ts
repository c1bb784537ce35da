/**
 * TTS API keys, one per TTS application, from one Secrets Manager secret holding
 * `{"<applicationId>": "<API key>"}`. Read once per container and kept for a while (keys are
 * rotated by putting a new secret value); forgotten at once when TTS refuses a key.
 * Keys are never logged and never leave this module except in the Authorization header.
 *
 * A key that is not there (secret without a value yet, application not in it) is not cached: the
 * operator may put it any moment, and the next downlink should find it.
 */
import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { type Environment, type SdkOverrides, secretsManagerClientFor } from "../runtime/aws-clients.ts";

/** The secret holding a stack's TTS API keys, `{"<applicationId>": "<API key>"}`: the stack creates it, the embedded default too. */
export function apiKeySecretName(stackName: string): string {
  return `${stackName}/tts-api-keys`;
}

export class ApiKeySecretError extends Error {
  override readonly name = "ApiKeySecretError";
}

/** The application's key is not in the deployment's secret (or the secret is not readable JSON). */
export class TtsApiKeyMissingError extends Error {
  override readonly name = "TtsApiKeyMissing";
}

/** An application's key, or why the deployment has none for it (a state to report, not a failure of ours). */
export type ApiKeyLookup = { readonly apiKey: string } | { readonly missing: string };

export class ApiKeys {
  readonly #client: SecretsManagerClient;
  readonly #secretId: string;
  readonly #ttlMs: number;
  #cached: { keys: ReadonlyMap<string, string>; until: number } | undefined;

  constructor(options: { client: SecretsManagerClient; secretId: string; ttlSeconds: number }) {
    this.#client = options.client;
    this.#secretId = options.secretId;
    this.#ttlMs = options.ttlSeconds * 1000;
  }

  async forApplication(applicationId: string, now: number = Date.now()): Promise<string | undefined> {
    if (this.#cached === undefined || this.#cached.until <= now || !this.#cached.keys.has(applicationId)) {
      this.#cached = { keys: await this.#read(), until: now + this.#ttlMs };
    }
    return this.#cached.keys.get(applicationId);
  }

  async lookup(applicationId: string): Promise<ApiKeyLookup> {
    try {
      const apiKey = await this.forApplication(applicationId);
      if (apiKey !== undefined) return { apiKey };
      return {
        missing: `no TTS API key for application "${applicationId}" in the deployment's secret (put one: see the tts_api_keys_put_command output)`,
      };
    } catch (error) {
      if (error instanceof ApiKeySecretError) return { missing: error.message };
      throw error;
    }
  }

  /** The application's key, or a `TtsApiKeyMissingError` saying why there is none. */
  async require(applicationId: string): Promise<string> {
    const key = await this.lookup(applicationId);
    if ("missing" in key) throw new TtsApiKeyMissingError(key.missing);
    return key.apiKey;
  }

  /** After TTS refused a key: the next call reads the secret again (it may have been rotated). */
  forget(): void {
    this.#cached = undefined;
  }

  async #read(): Promise<ReadonlyMap<string, string>> {
    let secret: GetSecretValueCommandOutput;
    try {
      secret = await this.#client.send(new GetSecretValueCommand({ SecretId: this.#secretId }));
    } catch (error) {
      // Deployed without a value (the key is put afterwards): no key yet, not a failure of ours.
      if (error instanceof ResourceNotFoundException) return new Map();
      throw error;
    }
    let value: unknown;
    try {
      value = JSON.parse(secret.SecretString ?? "");
    } catch {
      // Never echo the secret's text: it may be a bare key put there by mistake.
      throw new ApiKeySecretError(`secret ${this.#secretId} is not JSON of the form {"<applicationId>": "<API key>"}`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new ApiKeySecretError(`secret ${this.#secretId} must be a JSON object {"<applicationId>": "<API key>"}`);
    }
    return new Map(
      Object.entries(value).filter(
        (entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== "",
      ),
    );
  }
}

/** The keys of a function whose settings name the secret (`ttlSeconds` 0: read afresh on every call). */
export function apiKeysFor(
  env: Environment,
  settings: { readonly TTS_API_KEY_SECRET_ARN: string; readonly TTS_API_KEY_CACHE_SECONDS?: number },
  ttlSeconds = settings.TTS_API_KEY_CACHE_SECONDS ?? 0,
  sdk: SdkOverrides = {},
): ApiKeys {
  return new ApiKeys({
    client: secretsManagerClientFor(env, sdk),
    secretId: settings.TTS_API_KEY_SECRET_ARN,
    ttlSeconds,
  });
}
