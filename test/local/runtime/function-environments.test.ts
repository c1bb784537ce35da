import { describe, expect, it } from "vitest";
import type { FunctionName } from "../../../functions/catalogue.ts";
import { loadSettings, SETTINGS } from "../../../functions/settings.ts";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../../../local/aws/local-account.ts";
import { resolveConfig } from "../../../local/runtime/config.ts";
import { functionEnvironments } from "../../../local/runtime/function-environments.ts";

const tts = {
  url: "http://127.0.0.1:1885",
  apiKeySecretArn: `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:secret:local/tts-api-keys`,
  applicationId: "simulated-app",
};

describe("local function environments", () => {
  it.each(Object.keys(SETTINGS) as FunctionName[])("gives %s settings it accepts", (name) => {
    expect(() => loadSettings(name, functionEnvironments(resolveConfig({}, {}), tts)[name])).not.toThrow();
  });

  it("sets the functions' variables from the runtime's options of the same name", () => {
    const config = resolveConfig(
      {},
      {
        STACK_NAME: "lab",
        THING_TYPE_NAME: "lab-things",
        THING_NAME_SCHEME: "DeviceID",
        SHADOW_METRICS: "off",
        SHADOW_DECODED_PAYLOAD: "on",
      },
    );
    const environments = functionEnvironments(config, tts);
    expect(loadSettings("ensure-thing", environments["ensure-thing"])).toMatchObject({
      STACK_NAME: "lab",
      THING_TYPE_NAME: "lab-things",
      THING_NAME_SCHEME: "DeviceID",
    });
    expect(loadSettings("update-shadow", environments["update-shadow"])).toEqual({
      SHADOW_METRICS: false,
      SHADOW_DECODED_PAYLOAD: true,
    });
    expect(loadSettings("enqueue-downlink", environments["enqueue-downlink"])).toMatchObject({
      TTS_URL: tts.url,
      TTS_API_KEY_SECRET_ARN: tts.apiKeySecretArn,
    });
  });

  it("provisions into the simulator's application with the runtime's frequency plan", () => {
    const environments = functionEnvironments(resolveConfig({ "frequency-plan-id": "US_902_928_FSB_2" }, {}), tts);
    expect(loadSettings("validate-device-thing", environments["validate-device-thing"])).toMatchObject({
      TTS_APPLICATION_ID: "simulated-app",
      FREQUENCY_PLAN_ID: "US_902_928_FSB_2",
      LORAWAN_VERSION: "1.0.3",
    });
  });
});
