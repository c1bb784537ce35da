import { describe, expect, it } from "vitest";
import { escapeTerraformTemplate } from "../../infra/terraform-strings.ts";
import { stateMachineName } from "../../workflows/catalogue.ts";
import { findResource, resourcesOf, synthesize, TEST_ENVIRONMENT, type TerraformJson } from "./synthesized-stack.ts";

const STACK = "test-stack";
const things = (provisioning: Record<string, unknown>) => ({
  things: { ...TEST_ENVIRONMENT.things, provisioning } as NonNullable<typeof TEST_ENVIRONMENT.things>,
});
const off = synthesize(things({ enabled: false }));
const on = synthesize(things({ enabled: true, frequencyPlanId: "EU_863_870_TTN" }));
const withDeletes = synthesize(things({ enabled: true, deleteInTts: true, frequencyPlanId: "EU_863_870_TTN" }));

const ruleNames = (json: TerraformJson) =>
  resourcesOf(json, "aws_iot_topic_rule")
    .map((rule) => String(rule["name"]))
    .filter((name) => name.startsWith("things_"));

describe("integration stack: provisioning (things.provisioning)", () => {
  it("off (the default): no event configuration, no thing event rules, no provisioning workflow or functions", () => {
    expect(resourcesOf(off, "aws_iot_event_configurations")).toEqual([]);
    expect(ruleNames(off)).toEqual([]);
    const names = JSON.stringify(off.resource);
    for (const name of ["provisioning", "validate-device-thing", "register-end-device", "register-root-keys"]) {
      expect(names).not.toContain(`${STACK}-${name}`);
    }
  });

  it("on: turns THING registry events on for the account (AWS IoT API Reference, UpdateEventConfigurations)", () => {
    expect(resourcesOf(on, "aws_iot_event_configurations")).toEqual([
      expect.objectContaining({ event_configurations: { THING: true } }),
    ]);
  });

  it("on: one rule on created thing events of our type and stackName, selecting no key attribute", () => {
    expect(ruleNames(on)).toEqual(["things_test_stack_created"]);
    const rule = findResource(on, "aws_iot_topic_rule", "name", "things_test_stack_created");
    expect(rule["sql"]).toBe(
      escapeTerraformTemplate(
        "SELECT operation, thingName, timestamp FROM '$aws/events/thing/+/created' WHERE thingTypeName = 'lorawan' AND attributes.stackName = 'test-stack'",
      ),
    );
    expect(rule["step_functions"]).toEqual([expect.objectContaining({ execution_name_prefix: "thing-created" })]);
  });

  it("deleteInTts adds the deleted thing event rule, which selects the device ids only", () => {
    expect(ruleNames(withDeletes).sort()).toEqual(["things_test_stack_created", "things_test_stack_deleted"]);
    const sql = String(findResource(withDeletes, "aws_iot_topic_rule", "name", "things_test_stack_deleted")["sql"]);
    expect(sql).toContain("FROM '$aws/events/thing/+/deleted'");
    expect(sql).toContain("attributes.deviceID AS deviceID, attributes.applicationID AS applicationID");
    for (const rule of resourcesOf(withDeletes, "aws_iot_topic_rule")) {
      expect(String(rule["sql"])).not.toMatch(/appKey|nwkKey|SELECT \*|attributes[ ,]/);
    }
  });

  it("on: an Express provisioning state machine logging like the others", () => {
    const machine = findResource(on, "aws_sfn_state_machine", "name", stateMachineName(STACK, "provisioning"));
    expect(machine).toMatchObject({
      type: "EXPRESS",
      logging_configuration: { level: "ALL", include_execution_data: true },
    });
    expect(findResource(on, "aws_sqs_queue", "name", `${STACK}-provisioning-rules-dlq`)).toBeDefined();
  });

  it("least privilege: only RecordOnThing updates things, the TTS steps read the secret, feedback publishes its three topics", () => {
    const all = resourcesOf(on, "aws_iam_role_policy").map((policy) => ({
      role: String(policy["role"]),
      statements: (JSON.parse(String(policy["policy"])) as { Statement: { Action: string[]; Resource: string[] }[] })
        .Statement,
    }));
    const withAction = (action: string) =>
      all.filter(({ statements }) => statements.some((statement) => [statement.Action].flat().includes(action)));
    const roles = (action: string) => withAction(action).map(({ role }) => role);
    expect(roles("iot:UpdateThing")).toHaveLength(1);
    expect(roles("iot:UpdateThing")[0]).toContain("record-provisioning");
    const updates = withAction("iot:UpdateThing").flatMap(({ statements }) =>
      statements.filter((statement) => [statement.Action].flat().includes("iot:UpdateThing")),
    );
    // IAM cannot narrow a thing ARN by attribute or thing type: every thing of the account and region.
    expect(updates.flatMap((statement) => [statement.Resource].flat())).toEqual([
      expect.stringMatching(/^arn:.*:iot:eu-west-1:.*:thing\/\*$/),
    ]);
    expect(
      roles("iot:DescribeThing").filter((role) => /validate-device-thing|register-root-keys/.test(role)),
    ).toHaveLength(2);
    const secretReaders = roles("secretsmanager:GetSecretValue");
    expect(secretReaders.some((role) => role.includes("register-root-keys"))).toBe(true);
    expect(secretReaders.some((role) => role.includes("register-end-device"))).toBe(true);
    expect(secretReaders.some((role) => role.includes("validate-device-thing"))).toBe(false);
    expect(secretReaders.some((role) => role.includes("record-provisioning"))).toBe(false);
    const publishers = withAction("iot:Publish").filter(({ role }) => role.includes("provisioning-feedback"));
    const publishStatements = publishers.flatMap(({ statements }) =>
      statements.filter((statement) => [statement.Action].flat().includes("iot:Publish")),
    );
    expect(publishStatements.flatMap((statement) => [statement.Resource].flat())).toEqual([
      expect.stringMatching(/:topic\/lorawan\/\*\/provisioning\/created$/),
      expect.stringMatching(/:topic\/lorawan\/\*\/provisioning\/failed$/),
      expect.stringMatching(/:topic\/lorawan\/\*\/provisioning\/deleted$/),
    ]);
  });
});
