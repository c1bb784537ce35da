import { describe, expect, it } from "vitest";
import { FUNCTIONS, type FunctionName } from "../../functions/catalogue.ts";
import type { Account } from "../../infra/account.ts";
import { stateMachinePermissions } from "../../infra/workflow/state-machine-permissions.ts";
import type { PayloadTemplate, StateMachineDefinition, TaskState } from "../../workflows/asl.ts";
import { WORKFLOW_NAMES, WORKFLOWS } from "../../workflows/catalogue.ts";

const account = { iot: (resource: string) => `arn:aws:iot:eu-west-1:123456789012:${resource}` } as Account;
const arnOf = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:test-${name}`;
const ALL_ARNS = (Object.keys(FUNCTIONS) as FunctionName[]).map(arnOf);

const task = (Resource: string, Parameters: PayloadTemplate = {}): TaskState => ({
  Type: "Task",
  Resource,
  Parameters,
  End: true,
});
const lambda = (name: string) =>
  task("arn:aws:states:::lambda:invoke", { FunctionName: arnOf(name), "Payload.$": "$" });

describe("state machine permissions from the ASL", () => {
  it.each(WORKFLOW_NAMES)("%s: invokes exactly the functions its ASL names, with their qualifiers", (workflow) => {
    const statements = stateMachinePermissions(
      workflow,
      WORKFLOWS[workflow].definition(arnOf, { stackName: "test" }),
      ALL_ARNS,
      account,
    );
    const invoke = statements.find((statement) => statement.Action.includes("lambda:InvokeFunction"));
    const named = new Set(
      JSON.stringify(WORKFLOWS[workflow].definition(arnOf, { stackName: "test" })).match(/arn:aws:lambda:[^"]+/g),
    );
    expect(invoke?.Resource).toEqual(ALL_ARNS.filter((arn) => named.has(arn)).flatMap((arn) => [arn, `${arn}:*`]));
    for (const statement of statements) expect(statement.Resource).not.toContain("*");
  });

  it("walks Parallel branches, nested ones included", () => {
    const definition: StateMachineDefinition = {
      StartAt: "P",
      States: {
        P: { Type: "Parallel", Branches: [{ StartAt: "A", States: { A: lambda("ensure-thing") } }], Next: "Q" },
        Q: {
          Type: "Parallel",
          Branches: [
            {
              StartAt: "R",
              States: {
                R: { Type: "Parallel", Branches: [{ StartAt: "B", States: { B: lambda("republish") } }], End: true },
              },
            },
          ],
          End: true,
        },
      },
    };
    expect(stateMachinePermissions("w", definition, ALL_ARNS, account)).toEqual([
      {
        Sid: "InvokeWorkflowFunctions",
        Effect: "Allow",
        Action: ["lambda:InvokeFunction"],
        Resource: [arnOf("ensure-thing"), `${arnOf("ensure-thing")}:*`, arnOf("republish"), `${arnOf("republish")}:*`],
      },
    ]);
  });

  it("maps iot:describeThing to iot:DescribeThing on the account's things", () => {
    const definition = {
      StartAt: "D",
      States: { D: task("arn:aws:states:::aws-sdk:iot:describeThing", { "ThingName.$": "$.thingName" }) },
    };
    expect(stateMachinePermissions("w", definition, ALL_ARNS, account)).toEqual([
      {
        Sid: "DescribeAnyDeviceThing",
        Effect: "Allow",
        Action: ["iot:DescribeThing"],
        Resource: ["arn:aws:iot:eu-west-1:123456789012:thing/*"],
      },
    ]);
  });

  it("refuses an integration it has no permissions for", () => {
    const definition = { StartAt: "S", States: { S: task("arn:aws:states:::aws-sdk:iot:deleteThing") } };
    expect(() => stateMachinePermissions("downlink", definition, ALL_ARNS, account)).toThrow(
      "workflow downlink, state downlink/S: no IAM permissions are known for Resource arn:aws:states:::aws-sdk:iot:deleteThing",
    );
  });

  it("refuses a function that is not one of the catalogue's, or chosen at run time", () => {
    const foreign = {
      StartAt: "S",
      States: {
        S: task("arn:aws:states:::lambda:invoke", { FunctionName: "arn:aws:lambda:eu-west-1:1:function:other" }),
      },
    };
    expect(() => stateMachinePermissions("w", foreign, ALL_ARNS, account)).toThrow(
      "must name one of the catalogue's functions",
    );
    const dynamic = {
      StartAt: "S",
      States: { S: task("arn:aws:states:::lambda:invoke", { "FunctionName.$": "$.fn" }) },
    };
    expect(() => stateMachinePermissions("w", dynamic, ALL_ARNS, account)).toThrow("cannot be scoped by IAM");
  });
});
