/**
 * `doctor`'s TTS checks, per application: the deployment's secret holds a key for it; with that key
 * TTS answers and grants the rights the deployment needs; the application's AWS IoT pub/sub exists
 * and points at this deployment. Every TTS call goes through the functions' own TTS client
 * (`functions/tts/`), so doctor sees TTS as the downlink steps do.
 */
import type { ApiKeyLookup } from "../../functions/tts/api-keys.ts";
import {
  type AwsIotPubSubSettings,
  type AwsIotPubSubTarget,
  findAwsIotPubSub,
  pubSubMismatches,
  ttsPubSubId,
} from "../../functions/tts/pubsub.ts";
import {
  missingTtsRights,
  RIGHT_USES,
  readTtsRights,
  requiredTtsRights,
  TTS_RIGHTS,
  TtsRightsAnswerError,
} from "../../functions/tts/rights.ts";
import type { TtsTransport } from "../../functions/tts/transport.ts";
import type { TargetTts } from "../target.ts";
import { type CheckResult, failed, passed, skippedCheck } from "./checks.ts";

export interface TtsCheckContext {
  readonly stackName: string;
  readonly tts: TargetTts;
  /** The name of the deployment's API key secret, for the operator. */
  readonly secretName: string;
  readonly apiKey: (applicationId: string) => Promise<ApiKeyLookup>;
  /** Where the pub/sub must point: this deployment. */
  readonly pubSubTarget: AwsIotPubSubTarget;
  /** The command that puts an application's key into the secret. */
  readonly putKeyFix: (applicationId: string) => string;
  /** How the pub/sub is put right: re-apply the stack when it sets the pub/sub (`configurePubSub`), else by hand. */
  readonly pubSubFix: string | undefined;
  readonly timeoutMs: number;
  readonly transport?: TtsTransport | undefined;
}

export async function ttsChecks(context: TtsCheckContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const applicationId of context.tts.applicationIds) {
    results.push(...(await applicationChecks(context, applicationId)));
  }
  return results;
}

async function applicationChecks(context: TtsCheckContext, applicationId: string): Promise<CheckResult[]> {
  const keyCheck = `TTS API key of application ${applicationId}`;
  const rightsCheck = `TTS rights of application ${applicationId}'s key`;
  const pubSubCheck = `TTS pub/sub of application ${applicationId}`;
  let lookup: ApiKeyLookup;
  try {
    lookup = await context.apiKey(applicationId);
  } catch (error) {
    const { name, message } = error as Error;
    return [
      failed(
        keyCheck,
        `cannot read secret ${context.secretName}: ${name}: ${message}`,
        "check that the credentials allow secretsmanager:GetSecretValue on it",
      ),
      skippedCheck(rightsCheck, "not checked: no key"),
      skippedCheck(pubSubCheck, "not checked: no key"),
    ];
  }
  if ("missing" in lookup) {
    return [
      failed(keyCheck, lookup.missing, context.putKeyFix(applicationId)),
      skippedCheck(rightsCheck, "not checked: no key"),
      skippedCheck(pubSubCheck, "not checked: no key"),
    ];
  }
  const call = { ttsUrl: context.tts.url, apiKey: lookup.apiKey, applicationId, timeoutMs: context.timeoutMs };
  const rights = await rightsResult(context, rightsCheck, call);
  const results = [passed(keyCheck, `in secret ${context.secretName}`), rights.result];
  if (!rights.canReadPubSub) {
    results.push(skippedCheck(pubSubCheck, "not checked: the key cannot read it (see above)"));
    return results;
  }
  results.push(await pubSubResult(context, pubSubCheck, call));
  return results;
}

const unreachableFix = (context: TtsCheckContext) =>
  `check the TTS URL (${context.tts.url}: tts.url of the configuration, or --tts-url) and that TTS is up`;

const consoleKeys = (applicationId: string) => `in the TTS console: Applications › ${applicationId} › API keys`;

async function rightsResult(
  context: TtsCheckContext,
  check: string,
  call: { ttsUrl: string; apiKey: string; applicationId: string; timeoutMs: number },
): Promise<{ result: CheckResult; canReadPubSub: boolean }> {
  const required = requiredTtsRights(context.tts);
  let lookup: Awaited<ReturnType<typeof readTtsRights>>;
  try {
    lookup = await readTtsRights(call, context.transport);
  } catch (error) {
    if (!(error instanceof TtsRightsAnswerError)) throw error;
    return { result: failed(check, error.message, `is ${context.tts.url} a TTS cluster?`), canReadPubSub: false };
  }
  if (lookup.kind === "unreachable") {
    return {
      result: failed(check, lookup.message, unreachableFix(context)),
      canReadPubSub: false,
    };
  }
  if (lookup.kind === "refused") {
    const fix =
      lookup.status === 401
        ? `the key is unknown or expired: create one with ${required.join(", ")} ${consoleKeys(call.applicationId)}, then ${context.putKeyFix(call.applicationId)}`
        : lookup.status === 404 || lookup.status === 403
          ? `is ${call.applicationId} an application of ${context.tts.url}, and the key one of its keys?`
          : unreachableFix(context);
    return { result: failed(check, lookup.message, fix), canReadPubSub: false };
  }
  const missing = missingTtsRights(lookup.rights, required);
  const canReadPubSub = lookup.rights.has(TTS_RIGHTS.trafficRead);
  if (missing.length === 0) return { result: passed(check, `grants ${required.join(", ")}`), canReadPubSub };
  return {
    result: failed(
      check,
      `lacks ${missing.map((right) => `${right} (to ${RIGHT_USES[right]})`).join(", ")}`,
      `grant the key ${missing.join(", ")} ${consoleKeys(call.applicationId)}`,
    ),
    canReadPubSub,
  };
}

async function pubSubResult(
  context: TtsCheckContext,
  check: string,
  call: { ttsUrl: string; apiKey: string; applicationId: string; timeoutMs: number },
): Promise<CheckResult> {
  const target = context.pubSubTarget;
  const pubSubId = ttsPubSubId(context.stackName);
  const lookup = await findAwsIotPubSub({ ...call, pubSubId, stackName: context.stackName }, context.transport);
  const where = `region ${target.region}, role ARN ${target.roleArn}, default integration with stack name ${target.stackName}`;
  const fix =
    context.pubSubFix ??
    `set it in the TTS console: Applications › ${call.applicationId} › Integrations › AWS IoT (pub/sub ${pubSubId}): ${where}`;
  switch (lookup.kind) {
    case "unreachable":
      return failed(check, lookup.message, unreachableFix(context));
    case "refused":
      return failed(check, lookup.message, `check the key's rights ${consoleKeys(call.applicationId)}`);
    case "absent": {
      const others = lookup.others.map(describe).join("; ");
      return failed(
        check,
        `no AWS IoT pub/sub for stack ${context.stackName}${others === "" ? "" : ` (it has ${others})`}`,
        fix,
      );
    }
    case "found": {
      const mismatches = pubSubMismatches(lookup.pubSub, target);
      if (mismatches.length === 0) return passed(check, `${describe(lookup.pubSub)} points at this deployment`);
      return failed(check, `${lookup.pubSub.pubSubId} points elsewhere: ${mismatches.join(", ")}`, fix);
    }
  }
}

function describe(pubSub: AwsIotPubSubSettings): string {
  return `${pubSub.pubSubId} (stack ${pubSub.stackName || "none"}, ${pubSub.region || "no region"})`;
}
