/**
 * `main.ts` as `cdktf synth` runs it (`node main.ts`, offline, no terraform binary): one stack per
 * environment of the configuration, and a clear failure naming environment and field.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), "tts-aws-iot-main-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function synth(env: Record<string, string>) {
  return run(process.execPath, ["main.ts"], { env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env } });
}

describe("main.ts", () => {
  it("synthesizes the example configuration's environments, with their bundles, offline", async () => {
    const outdir = join(scratch, "out");
    await synth({ CDKTF_OUTDIR: outdir });
    for (const environment of ["staging", "production-sensors", "production-meters"]) {
      const stack = JSON.parse(readFileSync(join(outdir, "stacks", environment, "cdk.tf.json"), "utf8"));
      expect(stack.terraform.backend.local.path).toBe(`../../../terraform.${environment}.tfstate`);
      for (const fn of Object.values(stack.resource.aws_lambda_function) as { filename: string }[]) {
        expect(existsSync(join(outdir, "stacks", environment, fn.filename))).toBe(true);
      }
    }
    // Three stacks in one `node main.ts` (about 15 s of CPU): generous for a loaded machine.
  }, 120_000);

  it("fails with the environment and the field of a bad configuration", async () => {
    const file = join(scratch, "bad.json");
    writeFileSync(
      file,
      JSON.stringify({
        environments: {
          staging: {
            stackName: "ok",
            region: "eu-west-1",
            tts: { flavour: "cloud", url: "http://plain", applicationIds: ["app"] },
          },
        },
      }),
    );
    const failure = await synth({ TTS_AWS_IOT_CONFIG: file, CDKTF_OUTDIR: join(scratch, "bad-out") }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('environment "staging", field tts.url: must be an https:// URL');
  });
});
