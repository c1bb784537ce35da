/**
 * Security properties of the whole synthesized stack, checked on the Terraform JSON itself so that
 * they hold for functions and workflows added later: least-privilege IAM, an ExternalId on every
 * cross-account trust, no secrets in Lambda environments or plain outputs.
 */
import { describe, expect, it } from "vitest";
import { republishTopic, TTS_EVENT_KINDS, TTS_EVENTS } from "../../functions/core/tts-events.ts";
import { TTS_PRINCIPAL_ACCOUNTS } from "../../infra/config/environment-schema.ts";
import { ALL_WILDCARD_ONLY_ACTIONS } from "../../infra/iam/policy-document.ts";
import { type FoundStatement, policyStatements } from "./policy-documents.ts";
import { referenceTo, resourcesOf, synthesize, type TerraformJson, TTS_WITH_PUBSUB } from "./synthesized-stack.ts";

interface FoundStatementJson {
  readonly Action: string[];
  readonly Resource: string[];
}

/** Every violation of our IAM rules in the synthesized JSON, as readable lines. */
function iamViolations(json: TerraformJson): string[] {
  return policyStatements(json).flatMap((statement) => violationsOf(statement));
}

function violationsOf(statement: FoundStatement): string[] {
  const problems: string[] = [];
  const at = statement.where;
  if (statement.notActions || statement.notResources) problems.push(`${at}: NotAction/NotResource`);
  for (const action of statement.actions) {
    if (action.includes("*")) problems.push(`${at}: wildcard action ${action}`);
  }
  if (statement.principals !== undefined) {
    // A trust policy: cross-account trust needs an ExternalId; service trust is fine.
    const awsPrincipals = statement.principals["AWS"] ?? statement.principals["*"] ?? [];
    if (awsPrincipals.length > 0 && statement.effect === "Allow") {
      const externalId = statement.conditions["StringEquals"]?.["sts:ExternalId"];
      if (externalId === undefined || externalId === "")
        problems.push(`${at}: trusts ${awsPrincipals.join(", ")} without sts:ExternalId`);
      if (awsPrincipals.includes("*")) problems.push(`${at}: trusts everyone`);
    }
    return problems;
  }
  if (statement.resources?.includes("*") && statement.effect === "Allow") {
    const unjustified = statement.actions.filter((action) => !ALL_WILDCARD_ONLY_ACTIONS.includes(action));
    if (unjustified.length > 0) problems.push(`${at}: Resource "*" for ${unjustified.join(", ")}`);
  }
  return problems;
}

const json = synthesize();
const variants = [
  json,
  synthesize({ workflows: { logLevel: "OFF", includeExecutionData: false, tracing: false } }),
  synthesize({
    tts: {
      flavour: "enterprise",
      principalAccountId: "111122223333",
      url: "https://x.example.com",
      applicationIds: ["app-a"],
      apiKeys: "terraform-variable",
    },
  }),
  synthesize({ tts: TTS_WITH_PUBSUB }),
];

describe("IAM", () => {
  it("finds every policy document of the stack (inline, trust, data source)", () => {
    const roles = resourcesOf(json, "aws_iam_role");
    const where = new Set(policyStatements(json).map((statement) => statement.where));
    expect(roles.length).toBeGreaterThanOrEqual(6);
    // Each role: its trust policy and its inline policy.
    expect([...where].filter((path) => path.endsWith(".assume_role_policy"))).toHaveLength(roles.length);
    expect(resourcesOf(json, "aws_iam_role_policy")).toHaveLength(roles.length);
    expect([...where].filter((path) => path.startsWith("resource.aws_iam_role_policy."))).toHaveLength(roles.length);
  });

  it.each(variants.map((variant, index) => [index, variant] as const))(
    "variant %i: no wildcard action, no Resource * outside the allow-list, ExternalId on cross-account trust",
    (_, variant) => {
      expect(iamViolations(variant)).toEqual([]);
    },
  );

  it("catches what it is meant to catch", () => {
    const bad = structuredClone(json);
    bad.resource["aws_iam_role_policy"] = {
      wild: {
        policy: JSON.stringify({
          Statement: [{ Effect: "Allow", Action: "iot:*", Resource: "arn:aws:iot:::thing/x" }],
        }),
      },
      star: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["iot:Publish"], Resource: "*" }] }) },
    };
    bad.resource["aws_iam_role"] = {
      open: {
        assume_role_policy: JSON.stringify({
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: `arn:aws:iam::${TTS_PRINCIPAL_ACCOUNTS.cloud}:root` },
              Action: "sts:AssumeRole",
            },
          ],
        }),
      },
    };
    bad.data["aws_iam_policy_document"] = {
      doc: { statement: [{ effect: "Allow", actions: ["s3:GetObject"], resources: ["*"] }] },
    };
    expect(iamViolations(bad).sort()).toEqual(
      [
        "resource.aws_iam_role_policy.wild.policy: wildcard action iot:*",
        'resource.aws_iam_role_policy.star.policy: Resource "*" for iot:Publish',
        "resource.aws_iam_role.open.assume_role_policy: trusts arn:aws:iam::097768003349:root without sts:ExternalId",
        'data.aws_iam_policy_document.doc: Resource "*" for s3:GetObject',
      ].sort(),
    );
  });

  // IAM matches `*` in a resource ARN against any run of characters, `/` included (IAM User Guide,
  // "IAM JSON policy elements: Resource": wildcards in ARN segments).
  const iamMatches = (pattern: string, value: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    ).test(value);
  const publishTopicsOf = (variant: TerraformJson) =>
    policyStatements(variant)
      .filter((statement) => statement.actions.includes("iot:Publish"))
      .flatMap((statement) => (statement.resources ?? []).map((arn) => arn.slice(arn.indexOf(":topic/") + 7)));

  it.each(variants.map((variant, index) => [index, variant] as const))(
    "variant %i: no role may publish on lorawan/downlink, every deployment's downlink trigger",
    (_, variant) => {
      const topics = publishTopicsOf(variant);
      expect(topics.length).toBeGreaterThan(0);
      for (const topic of topics) expect(iamMatches(topic, "lorawan/downlink"), topic).toBe(false);
    },
  );

  it("lets republish publish on the ten device event topics only", () => {
    const role = referenceTo(json, "aws_iam_role", "name", "test-stack-republish", "id");
    const policy = resourcesOf(json, "aws_iam_role_policy").find((candidate) => candidate["role"] === role);
    const statements = (JSON.parse(policy?.["policy"] as string) as { Statement: FoundStatementJson[] }).Statement;
    const publish = statements.filter((statement) => statement.Action.includes("iot:Publish"));
    const topics = publish.flatMap((statement) =>
      statement.Resource.map((arn) => arn.slice(arn.indexOf(":topic/") + 7)),
    );
    expect(topics.sort()).toEqual(
      TTS_EVENT_KINDS.map((kind) => `lorawan/*/${TTS_EVENTS[kind].republishSuffix}`).sort(),
    );
    expect(topics).toHaveLength(10);
    for (const kind of TTS_EVENT_KINDS) {
      expect(topics.some((topic) => iamMatches(topic, republishTopic("0004A30B001C0530", kind)))).toBe(true);
    }
    for (const outside of ["lorawan/downlink", "lorawan/downlink/failed", "lorawan/0004A30B001C0530/other"]) {
      expect(
        topics.some((topic) => iamMatches(topic, outside)),
        outside,
      ).toBe(false);
    }
  });

  it("gives one role to each function, state machine and rule set, and one to TTS", () => {
    const names = resourcesOf(json, "aws_iam_role").map((role) => role["name"] as string);
    expect(new Set(names).size).toBe(names.length);
    const functions = resourcesOf(json, "aws_lambda_function").map((fn) => fn["role"]);
    const machines = resourcesOf(json, "aws_sfn_state_machine").map((machine) => machine["role_arn"]);
    expect(new Set([...functions, ...machines]).size).toBe(functions.length + machines.length);
  });
});

/** Names and values that would be secrets: keys, tokens, passwords, TTS API keys, generated passwords. */
const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL/i;
/** `…_ARN` variables name where a secret is, and must hold an ARN (a reference to our secret), nothing else. */
const SECRET_REFERENCE = /^\$\{aws_secretsmanager_secret\.[^.}]+\.arn\}$/;
const SECRET_VALUE = /NNSXS\.|random_password\.|secret_string|var\.tts_api_keys|AKIA[0-9A-Z]{16}/;

describe("secrets", () => {
  it.each(variants.map((variant, index) => [index, variant] as const))(
    "variant %i: no secret in any Lambda environment",
    (_, variant) => {
      for (const fn of resourcesOf(variant, "aws_lambda_function")) {
        const variables = (fn["environment"] as { variables?: Record<string, string> } | undefined)?.variables ?? {};
        for (const [name, value] of Object.entries(variables)) {
          if (name.endsWith("_ARN")) expect(value, `${fn["function_name"]}: ${name}`).toMatch(SECRET_REFERENCE);
          else expect(name, `${fn["function_name"]}: ${name}`).not.toMatch(SECRET_NAME);
          expect(value, `${fn["function_name"]}: ${name}`).not.toMatch(SECRET_VALUE);
        }
      }
    },
  );

  it.each(variants.map((variant, index) => [index, variant] as const))(
    "variant %i: outputs carrying a secret are sensitive",
    (_, variant) => {
      for (const [name, output] of Object.entries(variant.output)) {
        if (SECRET_VALUE.test(JSON.stringify(output.value))) expect(output.sensitive, name).toBe(true);
      }
      expect(variant.output["tts_external_id"]?.sensitive).toBe(true);
    },
  );

  it("marks the API keys variable sensitive", () => {
    expect(variants[2]?.variable?.["tts_api_keys"]?.["sensitive"]).toBe(true);
  });
});
