/**
 * Creates, updates or deletes one application's AWS IoT pub/sub in TTS, for Terraform's
 * `aws_lambda_invocation` (lifecycle scope `CRUD`): create and update set the pub/sub (TTS's Set is an
 * upsert), delete removes it — a pub/sub that is already gone (404) counts as deleted. When an update
 * moves the pub/sub (another application or pub/sub id), the previous one is deleted after the new one
 * is set.
 *
 * Every failure is thrown (Terraform shows it and the apply fails): a missing key, TTS's refusal with
 * its own message, an unreachable TTS. The API key is never part of an error or of the result.
 */
import { ApiKeySecretError, type ApiKeys } from "../runtime/tts-api-keys.ts";
import { deletePubSubRequest, setAwsIotPubSubRequest, type AwsIotPubSub, type TtsPubSubRequest } from "./tts-pubsub-request.ts";

export type PubSubAction = "create" | "update" | "delete";

/** The application's key is not in the deployment's secret (or the secret is not readable JSON). */
export class TtsApiKeyMissingError extends Error {
  override readonly name = "TtsApiKeyMissing";
}

/** TTS answered with a non-2xx status (other than 404 on delete). */
export class TtsPubSubRefusedError extends Error {
  override readonly name = "TtsPubSubRefused";
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

/** No answer from TTS (network error, timeout). */
export class TtsPubSubUnreachableError extends Error {
  override readonly name = "TtsPubSubUnreachable";
}

export interface ConfigurePubSubInput {
  readonly action: PubSubAction;
  readonly pubSub: AwsIotPubSub;
  /** The previous invocation's pub/sub, on update and delete. */
  readonly previous?: { readonly applicationId?: string | undefined; readonly pubSubId?: string | undefined } | undefined;
}

export interface ConfigurePubSubDeps {
  readonly apiKeys: ApiKeys;
  readonly ttsUrl: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch | undefined;
}

export interface ConfigurePubSubResult {
  readonly action: PubSubAction;
  readonly applicationId: string;
  readonly pubSubId: string;
  /** The TTS calls made, `METHOD path → status`: kept in the Terraform state as the invocation's result. */
  readonly calls: readonly string[];
}

export async function configureTtsPubSub(input: ConfigurePubSubInput, deps: ConfigurePubSubDeps): Promise<ConfigurePubSubResult> {
  const { applicationId, pubSubId } = input.pubSub;
  const calls: string[] = [];
  const call = async (request: TtsPubSubRequest, forApplication: string, goneIsFine: boolean): Promise<void> => {
    const apiKey = await keyFor(forApplication, deps.apiKeys);
    const status = await send(request, apiKey, deps, goneIsFine);
    calls.push(`${request.method} ${request.path} → ${status}`);
  };

  if (input.action === "delete") {
    await call(deletePubSubRequest(applicationId, pubSubId), applicationId, true);
  } else {
    await call(setAwsIotPubSubRequest(input.pubSub), applicationId, false);
    const previous = input.previous;
    if (
      input.action === "update" &&
      previous?.applicationId !== undefined &&
      previous.pubSubId !== undefined &&
      (previous.applicationId !== applicationId || previous.pubSubId !== pubSubId)
    ) {
      await call(deletePubSubRequest(previous.applicationId, previous.pubSubId), previous.applicationId, true);
    }
  }
  return { action: input.action, applicationId, pubSubId, calls };
}

async function keyFor(applicationId: string, apiKeys: ApiKeys): Promise<string> {
  let apiKey: string | undefined;
  try {
    apiKey = await apiKeys.forApplication(applicationId);
  } catch (error) {
    if (error instanceof ApiKeySecretError) throw new TtsApiKeyMissingError(error.message);
    throw error;
  }
  if (apiKey === undefined) {
    throw new TtsApiKeyMissingError(
      `no TTS API key for application "${applicationId}" in the deployment's secret: put it (tts_api_keys_put_command output), then apply again`,
    );
  }
  return apiKey;
}

/** One TTS call; the HTTP status when it succeeded (or was a 404 that counts as success). */
async function send(request: TtsPubSubRequest, apiKey: string, deps: ConfigurePubSubDeps, notFoundIsSuccess: boolean): Promise<number> {
  const url = new URL(request.path.replace(/^\//, ""), withTrailingSlash(deps.ttsUrl)).toString();
  const what = `${request.method} ${request.path}`;
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(url, {
      method: request.method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        accept: "application/json",
        ...(request.body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
  } catch (error) {
    const reason = isTimeout(error) ? `no answer within ${deps.timeoutMs} ms` : networkReason(error);
    throw new TtsPubSubUnreachableError(redact(`${what}: TTS at ${deps.ttsUrl} is unreachable: ${reason}`, apiKey));
  }
  if (response.ok || (notFoundIsSuccess && response.status === 404)) {
    await response.body?.cancel();
    return response.status;
  }
  const message = await errorMessage(response);
  throw new TtsPubSubRefusedError(redact(`${what}: TTS answered ${response.status}${message ? `: ${message}` : ""}`, apiKey), response.status);
}

/** TTS error bodies: `{"code": <gRPC>, "message": "error:pkg/…:name (text)", "details": […]}`. */
async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === "string") return body.message;
  } catch {
    // not JSON: the text itself, shortened
  }
  return text.trim().slice(0, 300);
}

/** TTS does not echo keys, but a message is never trusted to carry one out. */
function redact(message: string, apiKey: string): string {
  return apiKey === "" ? message : message.split(apiKey).join("<redacted>");
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function withTrailingSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
