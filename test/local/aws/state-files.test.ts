/** Every state file of the AWS endpoint is checked on load: the wrong shape names the file, never a TypeError. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExecutionStore } from "../../../local/aws/execution-store.ts";
import { LOCAL_REGION } from "../../../local/aws/local-account.ts";
import { SecretStore } from "../../../local/aws/secret-store.ts";
import { ShadowService } from "../../../local/aws/shadow-service.ts";
import { SqsQueues } from "../../../local/aws/sqs-queues.ts";
import { ThingRegistry } from "../../../local/aws/thing-registry.ts";
import { makeDataDir, removeDataDir } from "./endpoint-fixture.ts";

let dataDir: string;
beforeEach(async () => {
  dataDir = await makeDataDir();
});
afterEach(async () => {
  await removeDataDir(dataDir);
});

const open = {
  "registry.json": () => new ThingRegistry({ dataDir, region: LOCAL_REGION }),
  "shadows.json": () => new ShadowService({ dataDir, publish: async () => undefined }),
  "secrets.json": () => new SecretStore({ dataDir, region: LOCAL_REGION }),
  "executions.jsonl": () => new ExecutionStore({ dataDir }),
  "sqs-queues.json": () => new SqsQueues({ dataDir, region: LOCAL_REGION }),
} as const;

describe("state files of the wrong shape", () => {
  it.each([
    ["registry.json", "{}", "at things"],
    ["registry.json", '{"things":[{"thingName":"a"}],"thingTypes":[]}', "at things.0.thingId"],
    ["shadows.json", "[1,2]", "at the top level"],
    ["shadows.json", '{"thing":{"":{"state":{},"metadata":{},"version":"1","timestamp":0}}}', "at thing..version"],
    ["secrets.json", "{}", "at the top level"],
    ["secrets.json", '[{"name":"s","arn":"a","createdDate":0,"versions":[{}]}]', "at 0.versions.0.versionId"],
    ["executions.jsonl", "[1,2]\n", "line 1: unexpected shape at the top level"],
    ["sqs-queues.json", "{}", "at the top level"],
    [
      "sqs-queues.json",
      '[{"name":"q","createdTimestamp":0,"settings":{},"messages":[]}]',
      "at 0.settings.retentionSeconds",
    ],
  ] as const)("%s holding %s: refused, naming the file and where", async (name, text, where) => {
    const file = join(dataDir, name);
    await writeFile(file, text);
    expect(open[name]).toThrow(
      expect.objectContaining({
        name: "CorruptStateFileError",
        file,
        message: expect.stringContaining(`State file ${file} cannot be read (`),
      }),
    );
    expect(open[name]).toThrow(where);
  });

  it("accepts every file in the shape this runtime writes", async () => {
    const registry = open["registry.json"]();
    registry.createThingType({ thingTypeName: "lorawan", thingTypeProperties: { searchableAttributes: ["a"] } });
    registry.createThing({ thingName: "t1", thingTypeName: "lorawan", attributes: { a: "1" } });
    const shadows = open["shadows.json"]();
    await shadows.update("t1", undefined, Buffer.from('{"state":{"reported":{"rssi":-80}}}'));
    await shadows.update("t1", "lorawan", Buffer.from('{"state":{"desired":{"x":[1,2]}}}'));
    await shadows.delete("t1", "lorawan");
    const secrets = open["secrets.json"]();
    secrets.create({ name: "s", description: "d", value: { secretString: "v1" } });
    secrets.putValue("s", { secretBinary: "AAEC" });
    const executions = open["executions.jsonl"]();
    executions.started({ executionArn: "arn:e1", stateMachineArn: "arn:m", name: "e1", input: "{}" });
    executions.finished("arn:e1", { status: "FAILED", error: "E", cause: "C" });
    await Promise.all([registry.flush(), shadows.flush(), secrets.flush(), executions.flush()]);

    expect(open["registry.json"]().describeThing("t1")).toMatchObject({ thingTypeName: "lorawan", version: 1 });
    expect(open["shadows.json"]().get("t1", undefined)).toMatchObject({ state: { reported: { rssi: -80 } } });
    expect(open["secrets.json"]().find("s").versions).toHaveLength(2);
    expect(open["executions.jsonl"]().get("arn:e1")).toMatchObject({ status: "FAILED", error: "E" });
  });

  it("keeps the shadows of a thing named __proto__ (a valid thing name) across a restart", async () => {
    const shadows = open["shadows.json"]();
    await shadows.update("__proto__", undefined, Buffer.from('{"state":{"reported":{"rssi":-80}}}'));
    await shadows.update("t1", "__proto__", Buffer.from('{"state":{"reported":{"snr":7}}}'));
    await shadows.flush();
    const reloaded = open["shadows.json"]();
    expect(reloaded.get("__proto__", undefined)).toMatchObject({ state: { reported: { rssi: -80 } } });
    expect(reloaded.get("t1", "__proto__")).toMatchObject({ state: { reported: { snr: 7 } } });
  });

  it("keeps a thing attribute named __proto__ (a valid attribute name) across a restart", async () => {
    const registry = open["registry.json"]();
    registry.createThing({ thingName: "t1", attributes: JSON.parse('{"__proto__":"x","a":"1"}') });
    await registry.flush();
    const attributes = open["registry.json"]().describeThing("t1").attributes;
    expect(Object.entries(attributes)).toEqual([
      ["__proto__", "x"],
      ["a", "1"],
    ]);
  });
});
