import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../../local/runtime/config.ts";
import { DEPLOYMENT_RIGHTS } from "../../../local/tts-simulator/rights.ts";

const EXAMPLE_CONFIG = { TTS_AWS_IOT_CONFIG: join(import.meta.dirname, "..", "..", "..", "tts-aws-iot.config.json") };

describe("local runtime configuration", () => {
  it("has defaults that work on a fresh machine", () => {
    expect(resolveConfig({}, {})).toMatchObject({
      bindHost: "127.0.0.1",
      mqttPort: 1883,
      mqttWsPort: 9001,
      awsPort: 4566,
      ttsPort: 1885,
      stackName: "local",
      devices: 5,
      interval: 30,
      dataDir: ".data",
      thingTypeName: "lorawan",
      thingNameScheme: "DevEUI",
      shadowMetrics: "on",
      // The deployed defaults of `workflows.logLevel` and `workflows.includeExecutionData`.
      workflowLogLevel: "ALL",
      includeExecutionData: "on",
    });
  });

  it("logs workflows as the deployment environment does, under explicit options", () => {
    const dir = mkdtempSync(join(tmpdir(), "config-"));
    try {
      const file = join(dir, "config.json");
      const quiet = {
        stackName: "tts-quiet",
        region: "eu-west-1",
        tts: { flavour: "ttn", url: "https://eu1.cloud.thethings.network", applicationIds: ["quiet-app"] },
        workflows: { logLevel: "FATAL", includeExecutionData: false },
      };
      writeFileSync(file, JSON.stringify({ environments: { quiet } }));
      const env = { TTS_AWS_IOT_CONFIG: file };
      expect(resolveConfig({ environment: "quiet" }, env)).toMatchObject({
        workflowLogLevel: "FATAL",
        includeExecutionData: "off",
      });
      expect(
        resolveConfig({ environment: "quiet" }, { ...env, WORKFLOW_LOG_LEVEL: "ALL", INCLUDE_EXECUTION_DATA: "on" }),
      ).toMatchObject({ workflowLogLevel: "ALL", includeExecutionData: "on" });
      expect(() => resolveConfig({ "workflow-log-level": "DEBUG" }, {})).toThrow(/--workflow-log-level = "DEBUG"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes options over environment variables over defaults", () => {
    const config = resolveConfig({ devices: "7" }, { DEVICES: "3", MQTT_PORT: "11883", STACK_NAME: "lab" });
    expect(config).toMatchObject({ devices: 7, mqttPort: 11883, stackName: "lab" });
  });

  it("takes the shared settings of a deployment environment, under explicit options", () => {
    expect(resolveConfig({ environment: "staging" }, EXAMPLE_CONFIG)).toMatchObject({
      stackName: "tts-staging",
      thingTypeName: "lorawan-staging",
      thingNameScheme: "DeviceID",
      shadowMetrics: "on",
    });
    expect(resolveConfig({ environment: "staging", "stack-name": "mine" }, EXAMPLE_CONFIG).stackName).toBe("mine");
  });

  it("names an unknown deployment environment and the ones there are", () => {
    expect(() => resolveConfig({ environment: "qa" }, EXAMPLE_CONFIG)).toThrow(
      /--environment qa: .*has no such environment \(it has: staging, production-sensors, production-meters\)/,
    );
  });

  it("names every bad value and where it came from", () => {
    expect(() => resolveConfig({ "mqtt-port": "70000", "stack-name": "9lives" }, { DEVICES: "many" })).toThrow(
      /--mqtt-port = "70000".*\n.*--stack-name = "9lives": must start with a letter.*\n.*DEVICES \(environment\) = "many"/s,
    );
  });

  it("never echoes a bad TTS API key, not even in the error about it", () => {
    const key = "NNSXS.REAL KEY WITH A SPACE";
    expect(() => resolveConfig({ "tts-api-key": key }, {})).toThrow(/--tts-api-key = \(hidden, 27 characters\)/);
    expect(() => resolveConfig({}, { TTS_API_KEY: key })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("REAL KEY") }),
    );
  });

  it("gives the simulated TTS key the deployment's rights, or those named, refusing unknown ones", () => {
    expect(resolveConfig({}, {}).ttsApiKeyRights).toEqual(DEPLOYMENT_RIGHTS);
    expect(resolveConfig({}, { TTS_API_KEY_RIGHTS: "RIGHT_APPLICATION_LINK" }).ttsApiKeyRights).toEqual([
      "RIGHT_APPLICATION_LINK",
    ]);
    expect(() => resolveConfig({ "tts-api-key-rights": "RIGHT_APPLICATION_INFO,RIGHT_ROOT" }, {})).toThrow(
      /--tts-api-key-rights = "RIGHT_APPLICATION_INFO,RIGHT_ROOT": unknown TTS application right\(s\) RIGHT_ROOT/,
    );
  });

  it("refuses two endpoints on one port", () => {
    expect(() => resolveConfig({ "aws-port": "1883" }, {})).toThrow("--mqtt-port and --aws-port are both 1883");
    expect(() => resolveConfig({ "inspector-port": "4566" }, {})).toThrow(
      "--aws-port and --inspector-port are both 4566",
    );
  });

  it("serves the inspector on 8080 unless moved, and not at all with port 0", () => {
    expect(resolveConfig({}, {}).inspectorPort).toBe(8080);
    expect(resolveConfig({}, { INSPECTOR_PORT: "9090" }).inspectorPort).toBe(9090);
    expect(resolveConfig({ "inspector-port": "0" }, {}).inspectorPort).toBe(0);
  });
});
