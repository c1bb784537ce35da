/**
 * `tts-aws-iot doctor` against the embedded default, run as a child process: a healthy deployment passes,
 * and each broken part gives its ✗ with a fix and exit 1.
 */
import { PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetQueueUrlCommand, PurgeQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, describe, expect, it } from "vitest";
import { clientConfig } from "../../functions/runtime/aws-clients.ts";
import { callTts } from "../../functions/tts/http.ts";
import { deletePubSubRequest, setAwsIotPubSubRequest, type TtsPubSubRequest } from "../../functions/tts/pubsub.ts";
import { connect } from "../../local/harness/mqtt-client.ts";
import { localAwsIotPubSub } from "../../local/runtime/local-pubsub.ts";
import { DEFAULT_APPLICATION_ID } from "../../local/tts-simulator/index.ts";
import type { ExecutionSummary } from "../../local/workflows/runner.ts";
import { topicRules } from "../../workflows/catalogue.ts";
import { useTestRuntime } from "../support/local-runtime.ts";
import { againstRuntime, runOperatorCli } from "../support/operator-cli.ts";

const finished: ExecutionSummary[] = [];
// One simulated device for the simulated TTS and its application, sending nothing by itself.
const ctx = useTestRuntime(
  { devices: 1 },
  { onExecution: (summary) => finished.push(summary), simulatorScheduled: false },
);
let sqs: SQSClient | undefined;
afterAll(() => sqs?.destroy());

function doctor(...extra: string[]) {
  const target = againstRuntime(ctx.runtime);
  return runOperatorCli(["doctor", ...target.args, ...extra], target.env);
}

/** `doctor` with the TTS side named: the runtime's simulated TTS and its one application. */
function doctorWithTts(...extra: string[]) {
  return doctor("--tts-url", ctx.runtime.urls.tts, "--tts-application", DEFAULT_APPLICATION_ID, ...extra);
}

/** The pub/sub `npm start` seeds for stack e2e (what configure-tts-pubsub would set), to change and restore. */
function seededPubSub() {
  return localAwsIotPubSub({
    applicationId: DEFAULT_APPLICATION_ID,
    stackName: "e2e",
    bindHost: ctx.runtime.config.bindHost,
  });
}

/** A pub/sub request sent to the simulated TTS as an operator would: HTTP, with the deployment's key. */
async function sendToTts(request: TtsPubSubRequest): Promise<void> {
  const answer = await callTts({
    ttsUrl: ctx.runtime.urls.tts,
    apiKey: ctx.runtime.config.ttsApiKey,
    ...request,
    timeoutMs: 10_000,
  });
  expect(answer.reached && answer.ok, JSON.stringify(answer)).toBe(true);
}

/** The names of the checks a `--json` run failed. */
function failedChecks(stdout: string): string[] {
  const { checks } = JSON.parse(stdout) as { checks: Check[] };
  return checks.filter((check) => !check.ok).map((check) => check.check);
}

/** The TTS checks of a `--json` run. */
function ttsResults(stdout: string): Check[] {
  const { checks } = JSON.parse(stdout) as { checks: Check[] };
  return checks.filter((check) => check.check.startsWith("TTS "));
}

interface Check {
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

describe("tts-aws-iot doctor", () => {
  it("passes a healthy deployment: every check ✓, exit 0", async () => {
    const run = await doctor();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout.split("\n").slice(1, -2)).toEqual([
      "✓ AWS credentials and region: Step Functions answers in us-east-1",
      "✓ state machine e2e-upstream: exists",
      "✓ state machine e2e-downlink: exists",
      "✓ log group /aws/vendedlogs/states/e2e-upstream: exists",
      "✓ log group /aws/vendedlogs/states/e2e-downlink: exists",
      "✓ thing type lorawan: exists",
      "✓ topic rules: all 11 exist and are enabled",
      "- functions: not checked: no deployment configuration says which functions to expect (add --environment)",
      "✓ dead-letter queue e2e-upstream-rules-dlq: empty",
      "✓ dead-letter queue e2e-downlink-rules-dlq: empty",
      "✓ executions of the last hour: none failed",
      "- TTS: not checked: no deployment configuration names the TTS applications (add --environment)",
    ]);
    expect(run.stdout).toMatch(/all checks passed\n$/);
  });

  it("passes TTS: the key is in the secret, grants the deployment's rights, and the seeded pub/sub points here", async () => {
    const run = await doctorWithTts("--json");
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(ttsResults(run.stdout)).toEqual([
      {
        check: `TTS API key of application ${DEFAULT_APPLICATION_ID}`,
        ok: true,
        detail: "in secret e2e/tts-api-keys",
      },
      {
        check: `TTS rights of application ${DEFAULT_APPLICATION_ID}'s key`,
        ok: true,
        detail: "grants RIGHT_APPLICATION_TRAFFIC_READ, RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE",
      },
      {
        check: `TTS pub/sub of application ${DEFAULT_APPLICATION_ID}`,
        ok: true,
        detail: "aws-iot-e2e (stack e2e, us-east-1) points at this deployment",
      },
    ]);
  });

  it("✗ for a key without the downlink right, naming it, with where to grant it", async () => {
    const faults = ctx.runtime.ttsApi!.faults;
    faults.withholdRights(["RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"]);
    try {
      const run = await doctorWithTts("--json");
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(failedChecks(run.stdout)).toEqual([`TTS rights of application ${DEFAULT_APPLICATION_ID}'s key`]);
      const [, rights, pubSub] = ttsResults(run.stdout);
      expect(rights).toEqual({
        check: `TTS rights of application ${DEFAULT_APPLICATION_ID}'s key`,
        ok: false,
        detail: "lacks RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE (to enqueue downlinks (down/push, down/replace))",
        fix: `grant the key RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE in the TTS console: Applications › ${DEFAULT_APPLICATION_ID} › API keys`,
      });
      // Traffic read is still granted: the pub/sub is still read, and still fine.
      expect(pubSub?.ok).toBe(true);
    } finally {
      faults.reset();
    }
  });

  it("✗ for a deleted pub/sub, with the values to enter in the TTS console", async () => {
    const seeded = seededPubSub();
    await sendToTts(deletePubSubRequest(seeded.applicationId, seeded.pubSubId));
    try {
      const run = await doctorWithTts();
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(run.stdout).toContain(
        `✗ TTS pub/sub of application ${DEFAULT_APPLICATION_ID}: no AWS IoT pub/sub for stack e2e\n` +
          `    fix: set it in the TTS console: Applications › ${DEFAULT_APPLICATION_ID} › Integrations › AWS IoT (pub/sub aws-iot-e2e): ` +
          "region us-east-1, role ARN arn:aws:iam::000000000000:role/e2e-tts, default integration with stack name e2e\n",
      );
      expect(run.stdout).toMatch(/\n1 of 14 checks failed\n$/);
    } finally {
      await sendToTts(setAwsIotPubSubRequest(seeded));
    }
  });

  it("✗ for a pub/sub pointing at another region, stack and endpoint, naming each difference", async () => {
    const seeded = seededPubSub();
    await sendToTts(
      setAwsIotPubSubRequest({
        ...seeded,
        region: "eu-west-1",
        stackName: "other",
        endpointAddress: "a1b2c3-ats.iot.eu-west-1.amazonaws.com",
      }),
    );
    try {
      const run = await doctorWithTts("--json");
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(failedChecks(run.stdout)).toEqual([`TTS pub/sub of application ${DEFAULT_APPLICATION_ID}`]);
      expect(ttsResults(run.stdout).at(-1)).toMatchObject({
        ok: false,
        detail:
          "aws-iot-e2e points elsewhere: region eu-west-1 (expected us-east-1), stack name other (expected e2e), " +
          // The expected address is the local DescribeEndpoint's (iot:Data-ATS), without its port.
          "endpoint address a1b2c3-ats.iot.eu-west-1.amazonaws.com (expected 127.0.0.1)",
      });
    } finally {
      await sendToTts(setAwsIotPubSubRequest(seeded));
    }
  });

  it("✗ for a message in a dead-letter queue, with the replay command as the fix", async () => {
    sqs ??= new SQSClient(clientConfig(ctx.runtime.sdkEnvironment));
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: "e2e-upstream-rules-dlq" }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "{}" }));
    try {
      const run = await doctor("--json");
      expect(run.code).toBe(1);
      const { ok, checks } = JSON.parse(run.stdout) as { ok: boolean; checks: Check[] };
      expect(ok).toBe(false);
      expect(checks.filter((check) => !check.ok)).toEqual([
        {
          check: "dead-letter queue e2e-upstream-rules-dlq",
          ok: false,
          detail: "1 message whose workflow could not start",
          fix: `look and re-drive: npx tts-aws-iot replay --endpoint-url ${ctx.runtime.urls.aws} --stack-name e2e (dry run), then add --yes`,
        },
      ]);
    } finally {
      await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    }
  });

  it("✗ for a failed execution in the last hour, with its error name", async () => {
    const seen = finished.length;
    const app = await connect(ctx.runtime.urls.mqtt, "application");
    await app.publishAsync("lorawan/downlink", JSON.stringify({ thingName: "NO-SUCH-THING", bytes: "AQ==" }), {
      qos: 1,
    });
    await app.endAsync();
    await expect.poll(() => finished.length, { timeout: 15_000 }).toBeGreaterThan(seen);

    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✗ executions of the last hour: 1 failed (thing_not_found)\n");
    expect(run.stdout).toContain(
      `    fix: see which and why: npx tts-aws-iot executions --status FAILED --endpoint-url ${ctx.runtime.urls.aws} --stack-name e2e\n`,
    );
    expect(run.stdout).toMatch(/1 of 12 checks failed\n$/);
  });

  it("✗ for an application without a key in the secret, with the put command; rights and pub/sub not checked", async () => {
    const secrets = new SecretsManagerClient(clientConfig(ctx.runtime.sdkEnvironment));
    const secretId = ctx.runtime.apiKeySecretArn;
    await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: "{}" }));
    try {
      const run = await doctor("--tts-url", ctx.runtime.urls.tts, "--tts-application", DEFAULT_APPLICATION_ID);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        `✗ TTS API key of application ${DEFAULT_APPLICATION_ID}: no TTS API key for application "${DEFAULT_APPLICATION_ID}" in the deployment's secret`,
      );
      expect(run.stdout).toContain(
        `    fix: aws secretsmanager put-secret-value --secret-id e2e/tts-api-keys --secret-string '{"${DEFAULT_APPLICATION_ID}": "<API key>"}' --region us-east-1 --endpoint-url ${ctx.runtime.urls.aws}\n`,
      );
      expect(run.stdout).toContain(
        `- TTS rights of application ${DEFAULT_APPLICATION_ID}'s key: not checked: no key\n`,
      );
      expect(run.stdout).toContain(`- TTS pub/sub of application ${DEFAULT_APPLICATION_ID}: not checked: no key\n`);
    } finally {
      const restored = JSON.stringify({ [DEFAULT_APPLICATION_ID]: ctx.runtime.config.ttsApiKey });
      await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: restored }));
      secrets.destroy();
    }
  });

  it("✗ for every missing piece of a stack that is not there", async () => {
    const run = await runOperatorCli(
      ["doctor", "--endpoint-url", ctx.runtime.urls.aws, "--stack-name", "elsewhere", "--json"],
      ctx.runtime.sdkEnvironment,
    );
    expect(run.code).toBe(1);
    const { checks } = JSON.parse(run.stdout) as { checks: Check[] };
    expect(checks.filter((check) => !check.ok).map((check) => `${check.check}: ${check.detail}`)).toEqual([
      "state machine elsewhere-upstream: does not exist",
      "state machine elsewhere-downlink: does not exist",
      "log group /aws/vendedlogs/states/elsewhere-upstream: does not exist: the workflow's history is nowhere",
      "log group /aws/vendedlogs/states/elsewhere-downlink: does not exist: the workflow's history is nowhere",
      `topic rules: missing: ${topicRules("elsewhere")
        .map((rule) => rule.name)
        .join(", ")}`,
      "dead-letter queue elsewhere-upstream-rules-dlq: does not exist",
      "dead-letter queue elsewhere-downlink-rules-dlq: does not exist",
    ]);
  });

  it("✗ with only the access check when nothing answers, and stops there", async () => {
    const run = await runOperatorCli(
      ["doctor", "--endpoint-url", "http://127.0.0.1:9", "--stack-name", "e2e"],
      ctx.runtime.sdkEnvironment,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ AWS credentials and region: cannot list state machines in us-east-1: /m);
    expect(run.stdout).toMatch(/1 of 1 checks failed\n$/);
  });
});
