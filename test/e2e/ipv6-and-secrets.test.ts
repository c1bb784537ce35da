/** The embedded default on `--bind-host ::1`, and its banner, which never shows the TTS API key. */
import { ListThingsCommand } from "@aws-sdk/client-iot";
import { describe, expect, it } from "vitest";
import { banner } from "../../local/cli/banner.ts";
import { sdkClients } from "../../local/harness/embedded-runtime.ts";
import { connect } from "../../local/harness/mqtt-client.ts";
import { DEFAULT_APPLICATION_ID } from "../../local/tts-simulator/index.ts";
import { useTestRuntime } from "../support/local-runtime.ts";
import { againstRuntime, runOperatorCli } from "../support/operator-cli.ts";

const KEY = "NNSXS.THIS-KEY-MUST-NEVER-BE-PRINTED";
const ctx = useTestRuntime({ bindHost: "::1", devices: 1, ttsApiKey: KEY }, { simulatorScheduled: false });

describe("the embedded default on ::1", () => {
  it("serves MQTT, the AWS endpoint and the TTS API on IPv6 loopback, with bracketed URLs", async () => {
    const { urls } = ctx.runtime;
    expect(urls.mqtt).toMatch(/^mqtt:\/\/\[::1\]:\d+$/);
    expect(urls.aws).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect(urls.tts).toMatch(/^http:\/\/\[::1\]:\d+$/);
    const client = await connect(urls.mqtt, "ipv6-client");
    await client.publishAsync("lorawan/hello", "{}", { qos: 1 });
    await client.endAsync();
    const { iot } = sdkClients(ctx.runtime);
    await expect(iot.send(new ListThingsCommand({}))).resolves.toMatchObject({ things: [] });
    const listed = await fetch(`${urls.tts}/simulator/faults`);
    expect(listed.status).toBe(200);
  });

  it("prints a masked key in the banner, never the key", () => {
    const text = banner(ctx.runtime, "0004A30B001C0530");
    expect(text).not.toContain(KEY);
    expect(text).toContain(`API key NNSXS.… (${KEY.length} characters)`);
  });

  it("offers AWS commands that also work on AWS: Express executions are not listable there", () => {
    // AWS Step Functions API reference, ListExecutions: "This API action is not supported by EXPRESS state machines."
    const text = banner(ctx.runtime, "0004A30B001C0530");
    expect(text).not.toMatch(/list-executions|describe-execution|get-execution-history/);
    expect(text).toContain("stepfunctions list-state-machines");
    // Express history is in the state machine's log group (Step Functions Developer Guide, "Logging in
    // CloudWatch Logs"): the banner reads it there, with a command that works on AWS as printed.
    expect(text).toContain(
      `logs filter-log-events --log-group-name /aws/vendedlogs/states/e2e-upstream --start-time $(( ($(date +%s) - 3600) * 1000 )) --filter-pattern '{ $.type = "ExecutionFailed" }'`,
    );
  });

  it("passes doctor's TTS checks: the seeded pub/sub, with no host name to give, leaves the address to TTS", async () => {
    const target = againstRuntime(ctx.runtime);
    const run = await runOperatorCli(
      [
        "doctor",
        ...target.args,
        "--tts-url",
        ctx.runtime.urls.tts,
        "--tts-application",
        DEFAULT_APPLICATION_ID,
        "--json",
      ],
      target.env,
    );
    const { checks } = JSON.parse(run.stdout) as { checks: { check: string; ok: boolean; detail: string }[] };
    expect(checks.filter((check) => check.check.startsWith("TTS ") && !check.ok)).toEqual([]);
    expect(checks.at(-1)?.detail).toBe("aws-iot-e2e (stack e2e, us-east-1) points at this deployment");
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).not.toContain(KEY);
  });
});
