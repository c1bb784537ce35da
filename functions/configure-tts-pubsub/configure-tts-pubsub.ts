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
import { type ApiKeys, TtsApiKeyMissingError } from "../tts/api-keys.ts";
import { answerText, TtsStatusError } from "../tts/http.ts";
import {
  type AwsIotPubSub,
  deletePubSubRequest,
  setAwsIotPubSubRequest,
  type TtsPubSubRequest,
} from "../tts/pubsub.ts";
import { callTtsWith, type TtsDeps } from "../tts/step-context.ts";

export type PubSubAction = "create" | "update" | "delete";

/** TTS answered with a non-2xx status (other than 404 on delete). */
export class TtsPubSubRefusedError extends TtsStatusError {
  override readonly name = "TtsPubSubRefused";
}

/** No answer from TTS (network error, timeout). */
export class TtsPubSubUnreachableError extends Error {
  override readonly name = "TtsPubSubUnreachable";
}

export interface ConfigurePubSubInput {
  readonly action: PubSubAction;
  readonly pubSub: AwsIotPubSub;
  /** The previous invocation's pub/sub, on update and delete. */
  readonly previous?:
    | { readonly applicationId?: string | undefined; readonly pubSubId?: string | undefined }
    | undefined;
}

export type ConfigurePubSubDeps = TtsDeps;

export interface ConfigurePubSubResult {
  readonly action: PubSubAction;
  readonly applicationId: string;
  readonly pubSubId: string;
  /** The TTS calls made, `METHOD path → status`: kept in the Terraform state as the invocation's result. */
  readonly calls: readonly string[];
}

export async function configureTtsPubSub(
  input: ConfigurePubSubInput,
  deps: ConfigurePubSubDeps,
): Promise<ConfigurePubSubResult> {
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
  const key = await apiKeys.lookup(applicationId);
  if ("missing" in key) throw new TtsApiKeyMissingError(`${key.missing}, then apply again`);
  return key.apiKey;
}

/** One TTS call; the HTTP status when it succeeded (or was a 404 that counts as success). */
async function send(
  request: TtsPubSubRequest,
  apiKey: string,
  deps: ConfigurePubSubDeps,
  notFoundIsSuccess: boolean,
): Promise<number> {
  const what = `${request.method} ${request.path}`;
  const answer = await callTtsWith(deps, apiKey, request);
  if (!answer.reached) throw new TtsPubSubUnreachableError(`${what}: ${answer.reason}`);
  if (answer.ok || (notFoundIsSuccess && answer.status === 404)) return answer.status;
  throw new TtsPubSubRefusedError(`${what}: ${answerText(answer)}`, answer.status);
}
