/**
 * `tts-aws-iot doctor` against the embedded default, run as a child process: a healthy deployment passes,
 * and each broken part gives its ✗ with a fix and exit 1.
 */
import { PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetQueueUrlCommand, PurgeQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, describe, expect, it } from "vitest";
import { clientConfig } from "../../functions/runtime/aws-clients.ts";
import { connect } from "../../local/harness/mqtt-client.ts";
import { DEFAULT_APPLICATION_ID } from "../../local/tts-simulator/index.ts";
import type { ExecutionSummary } from "../../local/workflows/runner.ts";
import { topicRules } from "../../workflows/catalogue.ts";
import { useTestRuntime } from "../support/local-runtime.ts";
import { againstRuntime, runOperatorCli } from "../support/operator-cli.ts";

const finished: ExecutionSummary[] = [];
const ctx = useTestRuntime({}, { onExecution: (summary) => finished.push(summary) });
let sqs: SQSClient | undefined;
afterAll(() => sqs?.destroy());

function doctor(...extra: string[]) {
  const target = againstRuntime(ctx.runtime);
  return runOperatorCli(["doctor", ...target.args, ...extra], target.env);
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
      "- functions: not checked (needs Lambda's GetFunction; the workflows' executions show a missing function as Lambda.ResourceNotFoundException)",
      "✓ dead-letter queue e2e-upstream-rules-dlq: empty",
      "✓ dead-letter queue e2e-downlink-rules-dlq: empty",
      "✓ executions of the last hour: none failed",
      "- TTS: not checked: no deployment configuration names the TTS applications (add --environment)",
    ]);
    expect(run.stdout).toMatch(/all checks passed\n$/);
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
