import { describe, expect, it } from "vitest";
import { FUNCTIONS, type FunctionName } from "../../functions/catalogue.ts";
import { escapeTerraformTemplate } from "../../infra/terraform-strings.ts";
import { SEARCHABLE_ATTRIBUTES } from "../../infra/thing-type.ts";
import { stateMachineName, topicRules, WORKFLOW_NAMES, WORKFLOWS } from "../../workflows/catalogue.ts";
import {
  findResource,
  referenceTo,
  resourceEntries,
  resourcesOf,
  synthesize,
  type TerraformJson,
  TTS_WITH_PUBSUB,
} from "./synthesized-stack.ts";

const STACK = "test-stack";
const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];
/** What an environment deploys without `tts.configurePubSub`. */
const DEPLOYED = FUNCTION_NAMES.filter((name) => name !== "configure-tts-pubsub");
const json = synthesize();
const withPubSub = synthesize({ tts: TTS_WITH_PUBSUB });

const lambdaArn = (json: TerraformJson, name: FunctionName) =>
  referenceTo(json, "aws_lambda_function", "function_name", `${STACK}-${name}`, "arn");

describe("integration stack: Terraform settings", () => {
  it("keeps the state in a relative local file at the project root, outside cdktf.out", () => {
    expect(json.terraform.backend).toEqual({ local: { path: "../../../terraform.test.tfstate" } });
  });

  it("takes a configured S3 backend, with S3-native locking when asked", () => {
    const s3 = synthesize({
      stateBackend: {
        type: "s3",
        bucket: "my-state",
        key: "tts/test.tfstate",
        region: "eu-central-1",
        dynamodbTable: "locks",
        useLockfile: true,
      },
    });
    expect(s3.terraform.backend).toEqual({
      s3: {
        bucket: "my-state",
        key: "tts/test.tfstate",
        region: "eu-central-1",
        encrypt: true,
        dynamodb_table: "locks",
        use_lockfile: true,
      },
    });
  });

  it("pins the providers and tags every resource with the deployment", () => {
    expect(json.terraform.required_providers["aws"]?.version).toBe("6.25.0");
    expect(json.terraform.required_providers["random"]?.version).toBeDefined();
    expect(json.provider["aws"]?.[0]).toMatchObject({
      region: "eu-west-1",
      default_tags: [
        { tags: { Owner: "tests", Application: "tts-aws-iot", TtsStackName: STACK, Environment: "test" } },
      ],
    });
  });

  it("refuses credentials of another account when the environment names its accountId", () => {
    expect(json.provider["aws"]?.[0]?.["allowed_account_ids"]).toBeUndefined();
    const pinned = synthesize({ accountId: "123456789012" });
    expect(pinned.provider["aws"]?.[0]?.["allowed_account_ids"]).toEqual(["123456789012"]);
  });

  it("looks up the account's ATS data endpoint", () => {
    expect(Object.values(json.data["aws_iot_endpoint"] ?? {})).toEqual([
      expect.objectContaining({ endpoint_type: "iot:Data-ATS" }),
    ]);
  });
});

describe("integration stack: things", () => {
  it("creates the thing type with devEUI and stackName searchable", () => {
    expect(resourcesOf(json, "aws_iot_thing_type")).toEqual([
      expect.objectContaining({
        name: "lorawan",
        properties: expect.objectContaining({ searchable_attributes: ["devEUI", "stackName"] }),
      }),
    ]);
    expect(SEARCHABLE_ATTRIBUTES).toEqual(["devEUI", "stackName"]);
  });
});

describe("integration stack: functions", () => {
  const deployedNames = (stack: TerraformJson) =>
    resourcesOf(stack, "aws_lambda_function")
      .map((fn) => fn["function_name"])
      .sort();

  it("deploys every function of the catalogue but configure-tts-pubsub, and nothing else", () => {
    expect(deployedNames(json)).toEqual(DEPLOYED.map((name) => `${STACK}-${name}`).sort());
    // configure-tts-pubsub may read every application's API key: no function, role or log group unless used.
    for (const type of ["aws_iam_role", "aws_cloudwatch_log_group", "aws_cloudwatch_metric_alarm"]) {
      expect(JSON.stringify(json.resource[type])).not.toContain("configure-tts-pubsub");
    }
  });

  it("deploys configure-tts-pubsub too when tts.configurePubSub is on", () => {
    expect(deployedNames(withPubSub)).toEqual(FUNCTION_NAMES.map((name) => `${STACK}-${name}`).sort());
  });

  it.each(FUNCTION_NAMES)(
    "%s: Node 22 on arm64, bundled ESM handler, JSON logs into its own log group, bounded timeout",
    (name) => {
      const json = withPubSub;
      const fn = findResource(json, "aws_lambda_function", "function_name", `${STACK}-${name}`);
      expect(fn).toMatchObject({
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        handler: "index.handler",
        memory_size: 256,
        tracing_config: { mode: "Active" },
        logging_config: { log_format: "JSON", application_log_level: "INFO", system_log_level: "WARN" },
        description: FUNCTIONS[name].description,
      });
      expect(fn["filename"]).toMatch(/^assets\/[^/]+\/[0-9A-F]{32}\/archive\.zip$/);
      expect(fn["source_code_hash"]).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      // Below the 30 s every workflow task gives a Lambda.
      expect(fn["timeout"]).toBeLessThan(30);

      const logGroup = findResource(json, "aws_cloudwatch_log_group", "name", `/aws/lambda/${STACK}-${name}`);
      expect(logGroup["retention_in_days"]).toBe(30);
      expect((fn["logging_config"] as Record<string, string>)["log_group"]).toBe(
        referenceTo(json, "aws_cloudwatch_log_group", "name", `/aws/lambda/${STACK}-${name}`, "name"),
      );
      expect(fn["role"]).toBe(referenceTo(json, "aws_iam_role", "name", `${STACK}-${name}`, "arn"));
    },
  );

  it("gives each function only the settings it reads", () => {
    const environmentOf = (name: FunctionName) =>
      (
        findResource(json, "aws_lambda_function", "function_name", `${STACK}-${name}`)["environment"] as {
          variables: Record<string, string>;
        }
      ).variables;
    const endpoint = "${data.aws_iot_endpoint.iot-endpoint.endpoint_address}";
    expect(environmentOf("ensure-thing")).toEqual({
      STACK_NAME: STACK,
      THING_TYPE_NAME: "lorawan",
      THING_NAME_SCHEME: "DevEUI",
      THING_CACHE_TTL_SECONDS: "10800",
    });
    expect(environmentOf("update-shadow")).toEqual({
      SHADOW_METRICS: "on",
      SHADOW_DECODED_PAYLOAD: "off",
      IOT_DATA_ENDPOINT: endpoint,
    });
    expect(environmentOf("republish")).toEqual({ IOT_DATA_ENDPOINT: endpoint });
    expect(environmentOf("validate-downlink")).toEqual({});
    expect(environmentOf("enqueue-downlink")).toEqual({
      TTS_URL: "https://example.eu1.cloud.thethings.industries",
      TTS_API_KEY_SECRET_ARN: referenceTo(json, "aws_secretsmanager_secret", "name", `${STACK}/tts-api-keys`, "arn"),
      TTS_REQUEST_TIMEOUT_MS: "5000",
      TTS_RETRY_AFTER_MAX_SECONDS: "10",
    });
    expect(environmentOf("publish-feedback")).toEqual({ IOT_DATA_ENDPOINT: endpoint });
  });

  it("lets ensure-thing describe and create things, by name only: `<stackName>_*` with the DeviceID scheme", () => {
    const thingStatements = (stack: TerraformJson) => {
      const role = referenceTo(stack, "aws_iam_role", "name", `${STACK}-ensure-thing`, "id");
      const policy = findResource(stack, "aws_iam_role_policy", "role", role)["policy"] as string;
      return (JSON.parse(policy) as { Statement: { Action: string[]; Resource: string[] }[] }).Statement.filter(
        (statement) => statement.Action.some((action) => action.startsWith("iot:")),
      );
    };
    const thingArn = (name: string) =>
      expect.stringMatching(
        new RegExp(`^arn:\\$\\{[^}]+\\}:iot:eu-west-1:\\$\\{[^}]+\\}:thing/${name.replace("*", "\\*")}$`),
      );
    // CreateThing authorizes the thing's ARN only (a thing type resource would have no effect).
    expect(thingStatements(json)).toEqual([
      expect.objectContaining({ Action: ["iot:DescribeThing"], Resource: [thingArn("*")] }),
      expect.objectContaining({ Action: ["iot:CreateThing"], Resource: [thingArn("*")] }),
    ]);
    const byDeviceId = synthesize({ things: { typeName: "lorawan", nameScheme: "DeviceID" } });
    expect(thingStatements(byDeviceId)).toEqual([
      expect.objectContaining({ Action: ["iot:DescribeThing"], Resource: [thingArn(`${STACK}_*`)] }),
      expect.objectContaining({ Action: ["iot:CreateThing"], Resource: [thingArn(`${STACK}_*`)] }),
    ]);
  });

  it("passes shadow metrics off and the DeviceID scheme through", () => {
    const off = synthesize({
      things: { typeName: "lorawan", nameScheme: "DeviceID", shadowMetrics: false, shadowDecodedPayload: true },
    });
    const variables = (name: FunctionName) =>
      (
        findResource(off, "aws_lambda_function", "function_name", `${STACK}-${name}`)["environment"] as {
          variables: Record<string, string>;
        }
      ).variables;
    expect(variables("update-shadow")["SHADOW_METRICS"]).toBe("off");
    expect(variables("update-shadow")["SHADOW_DECODED_PAYLOAD"]).toBe("on");
    expect(variables("ensure-thing")["THING_NAME_SCHEME"]).toBe("DeviceID");
  });

  // On the stand-in bundles of the unit project: the stack hashes deterministically. That esbuild's own output is
  // content-addressed is tested on the real bundles (test/e2e/bundle.test.ts).
  it("takes each function's source code hash from its bundle, deterministically", () => {
    const again = synthesize();
    for (const name of DEPLOYED) {
      expect(findResource(again, "aws_lambda_function", "function_name", `${STACK}-${name}`)["source_code_hash"]).toBe(
        findResource(json, "aws_lambda_function", "function_name", `${STACK}-${name}`)["source_code_hash"],
      );
    }
  });
});

describe("integration stack: workflows", () => {
  it.each(WORKFLOW_NAMES)(
    "%s: Express, logging to its vended log group with the configured level, traced",
    (workflow) => {
      const name = stateMachineName(STACK, workflow);
      const machine = findResource(json, "aws_sfn_state_machine", "name", name);
      const logGroupArn = referenceTo(
        json,
        "aws_cloudwatch_log_group",
        "name",
        `/aws/vendedlogs/states/${name}`,
        "arn",
      );
      expect(machine).toMatchObject({
        type: "EXPRESS",
        logging_configuration: { level: "ALL", include_execution_data: true, log_destination: `${logGroupArn}:*` },
        tracing_configuration: { enabled: true },
        role_arn: referenceTo(json, "aws_iam_role", "name", `${name}-sfn`, "arn"),
      });
      expect(
        findResource(json, "aws_cloudwatch_log_group", "name", `/aws/vendedlogs/states/${name}`)["retention_in_days"],
      ).toBe(30);
    },
  );

  it.each(WORKFLOW_NAMES)("%s: the definition is the workflows/ ASL with the deployed functions' ARNs", (workflow) => {
    const machine = findResource(json, "aws_sfn_state_machine", "name", stateMachineName(STACK, workflow));
    const expected = WORKFLOWS[workflow].definition((name) => lambdaArn(json, name), { stackName: STACK });
    expect(JSON.parse(machine["definition"] as string)).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it("follows the configured log level, execution data and tracing", () => {
    const quiet = synthesize({
      workflows: { logLevel: "ERROR", includeExecutionData: false, tracing: false },
      logRetentionDays: 7,
    });
    for (const machine of resourcesOf(quiet, "aws_sfn_state_machine")) {
      expect(machine).toMatchObject({
        logging_configuration: { level: "ERROR", include_execution_data: false },
        tracing_configuration: { enabled: false },
      });
    }
    for (const fn of resourcesOf(quiet, "aws_lambda_function"))
      expect(fn["tracing_config"]).toEqual({ mode: "PassThrough" });
    for (const group of resourcesOf(quiet, "aws_cloudwatch_log_group")) expect(group["retention_in_days"]).toBe(7);
  });
});

describe("integration stack: IoT rules", () => {
  const rules = topicRules(STACK, { thingTypeName: "lorawan", deleteInTts: false });

  it("creates exactly the catalogue's rules", () => {
    expect(
      resourcesOf(json, "aws_iot_topic_rule")
        .map((rule) => rule["name"])
        .sort(),
    ).toEqual(rules.map((rule) => rule.name).sort());
  });

  it.each(rules.map((rule) => [rule.name, rule] as const))(
    "%s: SQL version, its workflow as target, dead letters on error",
    (_, rule) => {
      const synthesized = findResource(json, "aws_iot_topic_rule", "name", rule.name);
      const machineName = stateMachineName(STACK, rule.workflow);
      const rulesRole = referenceTo(json, "aws_iam_role", "name", `${machineName}-rules`, "arn");
      expect(synthesized).toMatchObject({
        enabled: true,
        sql: escapeTerraformTemplate(rule.sql),
        sql_version: "2016-03-23",
        step_functions: [
          {
            state_machine_name: referenceTo(json, "aws_sfn_state_machine", "name", machineName, "name"),
            execution_name_prefix: rule.executionNamePrefix,
            role_arn: rulesRole,
          },
        ],
        error_action: {
          sqs: {
            queue_url: referenceTo(json, "aws_sqs_queue", "name", `${machineName}-rules-dlq`, "url"),
            role_arn: rulesRole,
            use_base64: false,
          },
        },
      });
    },
  );

  it("dead-letters into an encrypted queue kept 14 days", () => {
    for (const workflow of WORKFLOW_NAMES) {
      expect(
        findResource(json, "aws_sqs_queue", "name", `${stateMachineName(STACK, workflow)}-rules-dlq`),
      ).toMatchObject({
        sqs_managed_sse_enabled: true,
        message_retention_seconds: 1_209_600,
        // Stated, not left to Terraform's default: the local dead-letter queue enforces the same numbers.
        max_message_size: 262_144,
        visibility_timeout_seconds: 30,
      });
    }
  });
});

describe("integration stack: TTS access", () => {
  it("lets TTS Cloud's account assume the TTS role only with the generated external id", () => {
    const role = findResource(json, "aws_iam_role", "name", `${STACK}-tts`);
    const externalId = referenceTo(json, "random_password", "length", 40, "result");
    expect(JSON.parse(role["assume_role_policy"] as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::097768003349:root" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": externalId } },
        },
      ],
    });
    expect(resourcesOf(json, "random_password")).toEqual([expect.objectContaining({ length: 40, special: false })]);
  });

  it.each([
    [{ flavour: "ttn" }, "678672909819"],
    [{ flavour: "enterprise", principalAccountId: "111122223333" }, "111122223333"],
  ] as const)("trusts the account of flavour %j", (flavour, account) => {
    const other = synthesize({ tts: { ...flavour, url: "https://x.example.com", applicationIds: ["app"] } });
    const trust = JSON.parse(
      findResource(other, "aws_iam_role", "name", `${STACK}-tts`)["assume_role_policy"] as string,
    );
    expect(trust.Statement[0].Principal).toEqual({ AWS: `arn:aws:iam::${account}:root` });
  });

  it("allows TTS exactly its pub/sub: connect, publish its topics, take its downlink topics, find the endpoint", () => {
    const iot = (resource: string) =>
      `arn:\${data.aws_partition.account_partition_32ACE770.partition}:iot:eu-west-1:\${data.aws_caller_identity.account_caller_1C5BE04F.account_id}:${resource}`;
    const policy = resourcesOf(json, "aws_iam_role_policy").find((p) => p["name"] === "tts-pubsub");
    expect(JSON.parse(policy?.["policy"] as string).Statement).toEqual([
      { Sid: "ConnectAsTts", Effect: "Allow", Action: ["iot:Connect"], Resource: [iot(`client/thethings-${STACK}`)] },
      {
        Sid: "PublishTtsEvents",
        Effect: "Allow",
        Action: ["iot:Publish"],
        Resource: [iot(`topic/thethings/lorawan/${STACK}/*`)],
      },
      {
        Sid: "SubscribeDownlinkTopics",
        Effect: "Allow",
        Action: ["iot:Subscribe"],
        Resource: [
          iot(`topicfilter/thethings/lorawan/${STACK}/downlink/push`),
          iot(`topicfilter/thethings/lorawan/${STACK}/downlink/replace`),
        ],
      },
      {
        Sid: "ReceiveDownlinkTopics",
        Effect: "Allow",
        Action: ["iot:Receive"],
        Resource: [
          iot(`topic/thethings/lorawan/${STACK}/downlink/push`),
          iot(`topic/thethings/lorawan/${STACK}/downlink/replace`),
        ],
      },
      { Sid: "DescribeEndpointHasNoResourceType", Effect: "Allow", Action: ["iot:DescribeEndpoint"], Resource: ["*"] },
    ]);
  });

  it("creates the API keys secret empty by default: the keys never enter the state", () => {
    expect(resourcesOf(json, "aws_secretsmanager_secret")).toEqual([
      expect.objectContaining({ name: `${STACK}/tts-api-keys`, recovery_window_in_days: 7 }),
    ]);
    expect(resourcesOf(json, "aws_secretsmanager_secret_version")).toEqual([]);
    expect(json.variable).toBeUndefined();
  });

  it("takes the keys from a sensitive variable when configured so", () => {
    const fromVariable = synthesize({
      tts: { flavour: "cloud", url: "https://x.example.com", applicationIds: ["app"], apiKeys: "terraform-variable" },
    });
    expect(fromVariable.variable?.["tts_api_keys"]).toMatchObject({
      type: "map(string)",
      sensitive: true,
      nullable: false,
    });
    expect(resourcesOf(fromVariable, "aws_secretsmanager_secret_version")).toEqual([
      expect.objectContaining({ secret_string: "${jsonencode(var.tts_api_keys)}" }),
    ]);
  });
});

describe("integration stack: monitoring", () => {
  const alarms = resourcesOf(json, "aws_cloudwatch_metric_alarm");
  const alarm = (name: string) => alarms.find((candidate) => candidate["alarm_name"] === name);

  it("alarms on failed and timed-out executions of every workflow", () => {
    for (const workflow of WORKFLOW_NAMES) {
      const name = stateMachineName(STACK, workflow);
      for (const metric of ["ExecutionsFailed", "ExecutionsTimedOut"]) {
        expect(alarm(`${name}-${metric}`)).toMatchObject({
          namespace: "AWS/States",
          metric_name: metric,
          dimensions: { StateMachineArn: referenceTo(json, "aws_sfn_state_machine", "name", name, "arn") },
          statistic: "Sum",
          threshold: 0,
          comparison_operator: "GreaterThanThreshold",
          treat_missing_data: "notBreaching",
        });
      }
    }
  });

  it("alarms on errors and throttles of every deployed function", () => {
    for (const name of DEPLOYED) {
      for (const metric of ["Errors", "Throttles"]) {
        expect(alarm(`${STACK}-${name}-${metric}`)).toMatchObject({
          namespace: "AWS/Lambda",
          metric_name: metric,
          dimensions: { FunctionName: `${STACK}-${name}` },
          threshold: 0,
        });
      }
    }
  });

  it("alarms on any dead letter, notifying the configured actions", () => {
    const withActions = synthesize({ alarmActions: ["arn:aws:sns:eu-west-1:123456789012:ops"] });
    for (const workflow of WORKFLOW_NAMES) {
      const queue = `${stateMachineName(STACK, workflow)}-rules-dlq`;
      expect(alarm(`${queue}-messages`)).toMatchObject({
        namespace: "AWS/SQS",
        metric_name: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue },
        statistic: "Maximum",
      });
    }
    for (const each of resourcesOf(withActions, "aws_cloudwatch_metric_alarm")) {
      expect(each["alarm_actions"]).toEqual(["arn:aws:sns:eu-west-1:123456789012:ops"]);
    }
    expect(alarms).toHaveLength(WORKFLOW_NAMES.length * 3 + DEPLOYED.length * 2);
  });

  it("has a dashboard of executions, failures, durations, Lambda errors, dead letters and outcomes", () => {
    const [dashboard] = resourcesOf(json, "aws_cloudwatch_dashboard");
    expect(dashboard?.["dashboard_name"]).toBe(STACK);
    const body = JSON.parse(dashboard?.["dashboard_body"] as string) as {
      widgets: { properties: { title: string; metrics: unknown[][] } }[];
    };
    const titles = body.widgets.map((widget) => widget.properties.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        "Workflow executions",
        "Workflow failures",
        "Workflow duration (ms)",
        "Lambda errors and throttles",
        "IoT rule dead letters (workflow not started)",
        ...WORKFLOW_NAMES.map((workflow) => `${workflow} outcomes (succeeded vs failed)`),
      ]),
    );
    const lambdaErrors = body.widgets.find((widget) => widget.properties.title === "Lambda errors and throttles");
    expect(lambdaErrors?.properties.metrics.map((metric) => metric[3])).toEqual(
      expect.arrayContaining(DEPLOYED.map((name) => `${STACK}-${name}`)),
    );
  });
});

describe("integration stack: outputs", () => {
  it("gives everything TTS needs, the external id only as a sensitive output", () => {
    const roleArn = referenceTo(json, "aws_iam_role", "name", `${STACK}-tts`, "arn");
    expect(json.output["tts_role_arn"]).toMatchObject({ value: roleArn, sensitive: false });
    expect(json.output["tts_external_id"]).toMatchObject({
      value: referenceTo(json, "random_password", "length", 40, "result"),
      sensitive: true,
    });
    expect(json.output["tts_stack_name"]?.value).toBe(STACK);
    expect(json.output["aws_region"]?.value).toBe("eu-west-1");
    expect(json.output["iot_endpoint"]?.value).toBe("${data.aws_iot_endpoint.iot-endpoint.endpoint_address}");
    expect(json.output["tts_console_settings"]?.value).toMatchObject({
      "AWS region": "eu-west-1",
      "Role ARN": roleArn,
      Deployment: "Default integration",
      "Stack name": STACK,
    });
  });

  it("gives the ttn-lw-cli command of the application", () => {
    const roleArn = referenceTo(json, "aws_iam_role", "name", `${STACK}-tts`, "arn");
    expect(json.output["ttn_lw_cli_commands"]?.value).toEqual(
      ["app-one"].map(
        (app) =>
          `ttn-lw-cli applications pubsubs set ${app} aws-iot-${STACK} --format json --provider.aws-iot.region eu-west-1 ` +
          "--provider.aws-iot.endpoint-address ${data.aws_iot_endpoint.iot-endpoint.endpoint_address} " +
          `--provider.aws-iot.assume-role.arn ${roleArn} --provider.aws-iot.assume-role.external-id "$TTS_EXTERNAL_ID" ` +
          `--provider.aws-iot.deployment.default.stack-name ${STACK}`,
      ),
    );
    expect(json.output["tts_api_keys_put_command"]?.value).toBe(
      `aws secretsmanager put-secret-value --region eu-west-1 --secret-id ${referenceTo(json, "aws_secretsmanager_secret", "name", `${STACK}/tts-api-keys`, "arn")} --secret-string file://tts-api-keys.json`,
    );
  });
});

describe("integration stack: TTS pub/sub from Terraform (tts.configurePubSub)", () => {
  it("is off by default: no invocation at all", () => {
    expect(json.resource["aws_lambda_invocation"]).toBeUndefined();
  });

  it("on: one CRUD invocation of configure-tts-pubsub for the application, after the function, the TTS role and its policy", () => {
    const on = withPubSub;
    const invocations = resourceEntries(on, "aws_lambda_invocation");
    expect(invocations).toHaveLength(1);
    const functionEntry = resourceEntries(on, "aws_lambda_function").find(
      ([, fn]) => fn["function_name"] === `${STACK}-configure-tts-pubsub`,
    );
    const roleArn = referenceTo(on, "aws_iam_role", "name", `${STACK}-tts`, "arn");
    const roleId = roleArn.slice(2, -"arn}".length - 1);
    const [policyId] =
      resourceEntries(on, "aws_iam_role_policy").find(([, policy]) => policy["name"] === "tts-pubsub") ?? [];
    for (const [index, applicationId] of ["app-one"].entries()) {
      const [, invocation] = invocations[index] ?? [];
      expect(invocation).toMatchObject({
        function_name: `\${aws_lambda_function.${functionEntry?.[0]}.function_name}`,
        lifecycle_scope: "CRUD",
        terraform_key: "tf",
        depends_on: expect.arrayContaining([
          `aws_lambda_function.${functionEntry?.[0]}`,
          roleId,
          `aws_iam_role_policy.${policyId}`,
        ]),
      });
      const input = invocation?.["input"] as string;
      expect(input.startsWith("${jsonencode(")).toBe(true);
      for (const expected of [
        `"applicationId" = "${applicationId}"`,
        `"pubSubId" = "aws-iot-${STACK}"`,
        `"region" = "eu-west-1"`,
        `"roleArn" = ${roleArn.slice(2, -1)}`,
        `"externalId" = ${referenceTo(on, "random_password", "length", 40, "result").slice(2, -1)}`,
        `"endpointAddress" = data.aws_iot_endpoint.iot-endpoint.endpoint_address`,
        `"stackName" = "${STACK}"`,
      ]) {
        expect(input).toContain(expected);
      }
      // The key is read by the function from the secret: never in the input (which Terraform keeps in its state).
      expect(input).not.toMatch(/secret_string|tts_api_keys|NNSXS/);
    }
  });

  it("on, with the keys from the Terraform variable: the invocations wait for the secret's version", () => {
    const on = withPubSub;
    const [versionId] = resourceEntries(on, "aws_secretsmanager_secret_version")[0] ?? [];
    const [[, invocation] = []] = resourceEntries(on, "aws_lambda_invocation");
    expect(invocation?.["depends_on"]).toEqual(
      expect.arrayContaining([`aws_secretsmanager_secret_version.${versionId}`]),
    );
  });

  it("gives configure-tts-pubsub the secret's ARN, the TTS URL and its timeout only, and read access to that one secret", () => {
    const json = withPubSub;
    const fn = findResource(json, "aws_lambda_function", "function_name", `${STACK}-configure-tts-pubsub`);
    const secretArn = referenceTo(json, "aws_secretsmanager_secret", "name", `${STACK}/tts-api-keys`, "arn");
    expect(fn["environment"]).toEqual({
      variables: {
        TTS_URL: "https://example.eu1.cloud.thethings.industries",
        TTS_API_KEY_SECRET_ARN: secretArn,
        // The function's timeout (25 s) is derived from it: two calls of 10 s and the secret read.
        TTS_REQUEST_TIMEOUT_MS: "10000",
      },
    });
    expect(fn["timeout"]).toBe(25);
    const policy = JSON.parse(
      findResource(
        json,
        "aws_iam_role_policy",
        "role",
        referenceTo(json, "aws_iam_role", "name", `${STACK}-configure-tts-pubsub`, "id"),
      )["policy"] as string,
    ) as {
      Statement: { Action: string[]; Resource: string[] }[];
    };
    const secretStatements = policy.Statement.filter((statement) =>
      statement.Action.some((action) => action.startsWith("secretsmanager:")),
    );
    expect(secretStatements).toEqual([
      expect.objectContaining({ Action: ["secretsmanager:GetSecretValue"], Resource: [secretArn] }),
    ]);
  });
});

describe("integration stack: synthesized JSON", () => {
  it("keeps its Terraform addresses: a changed one is a destroy and a create on the next apply", () => {
    const addresses = [
      ...Object.entries(json.resource).flatMap(([type, byName]) =>
        Object.keys(byName).map((name) => `${type}.${name}`),
      ),
      ...Object.entries(json.data).flatMap(([type, byName]) =>
        Object.keys(byName).map((name) => `data.${type}.${name}`),
      ),
      ...Object.keys(json.output).map((name) => `output.${name}`),
    ].sort();
    expect(addresses).toMatchInlineSnapshot(`
      [
        "aws_cloudwatch_dashboard.dashboard_9E73CAB7",
        "aws_cloudwatch_log_group.function-downlink-claim_logs_1170705E",
        "aws_cloudwatch_log_group.function-enqueue-downlink_logs_6BA9A982",
        "aws_cloudwatch_log_group.function-ensure-thing_logs_FDBE4A63",
        "aws_cloudwatch_log_group.function-find-queued-downlink_logs_3F454A3E",
        "aws_cloudwatch_log_group.function-provisioning-feedback_logs_D5C39E45",
        "aws_cloudwatch_log_group.function-publish-feedback_logs_1040B2FC",
        "aws_cloudwatch_log_group.function-record-provisioning_logs_7B852230",
        "aws_cloudwatch_log_group.function-register-end-device_logs_EA45039F",
        "aws_cloudwatch_log_group.function-register-root-keys_logs_56C4D31F",
        "aws_cloudwatch_log_group.function-republish_logs_B9C3F1A6",
        "aws_cloudwatch_log_group.function-update-shadow_logs_E99514AA",
        "aws_cloudwatch_log_group.function-validate-device-thing_logs_5CA3ABA3",
        "aws_cloudwatch_log_group.function-validate-downlink_logs_31D40562",
        "aws_cloudwatch_log_group.workflow-downlink_logs_D626DBC0",
        "aws_cloudwatch_log_group.workflow-provisioning_logs_0811C9E9",
        "aws_cloudwatch_log_group.workflow-upstream_logs_33619F11",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-downlink-ExecutionsFailed_alarm_075C5D36",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-downlink-ExecutionsTimedOut_alarm_D83CB18B",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-downlink-claim-Errors_alarm_00A1E968",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-downlink-claim-Throttles_alarm_2E57CC0E",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-downlink-rules-dlq-visible_alarm_743F9CF1",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-enqueue-downlink-Errors_alarm_50BFC265",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-enqueue-downlink-Throttles_alarm_6956FD1E",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-ensure-thing-Errors_alarm_3E5E71C0",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-ensure-thing-Throttles_alarm_C89828BB",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-find-queued-downlink-Errors_alarm_AD9FB154",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-find-queued-downlink-Throttles_alarm_07CA15C0",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-provisioning-ExecutionsFailed_alarm_5ECDD8A6",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-provisioning-ExecutionsTimedOut_alarm_A3DF10D8",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-provisioning-feedback-Errors_alarm_C64505D3",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-provisioning-feedback-Throttles_alarm_57CBEF37",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-provisioning-rules-dlq-visible_alarm_36E80052",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-publish-feedback-Errors_alarm_66894E7C",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-publish-feedback-Throttles_alarm_4CB2F403",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-record-provisioning-Errors_alarm_86701BC1",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-record-provisioning-Throttles_alarm_33011C85",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-register-end-device-Errors_alarm_26A5A910",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-register-end-device-Throttles_alarm_17D54662",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-register-root-keys-Errors_alarm_34486D4D",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-register-root-keys-Throttles_alarm_0075F190",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-republish-Errors_alarm_F5AE5536",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-republish-Throttles_alarm_F05B50C2",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-update-shadow-Errors_alarm_1759ABB4",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-update-shadow-Throttles_alarm_366966C8",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-upstream-ExecutionsFailed_alarm_13B630E4",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-upstream-ExecutionsTimedOut_alarm_61B2366C",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-upstream-rules-dlq-visible_alarm_ADC72A93",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-validate-device-thing-Errors_alarm_DA54A82E",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-validate-device-thing-Throttles_alarm_4A4FA237",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-validate-downlink-Errors_alarm_829222A8",
        "aws_cloudwatch_metric_alarm.alarms_test-stack-validate-downlink-Throttles_alarm_8CF3CEA1",
        "aws_iam_role.function-downlink-claim_execution_role_1EA7BAA2",
        "aws_iam_role.function-enqueue-downlink_execution_role_4BBBF1C8",
        "aws_iam_role.function-ensure-thing_execution_role_8F6E004A",
        "aws_iam_role.function-find-queued-downlink_execution_role_F602511D",
        "aws_iam_role.function-provisioning-feedback_execution_role_392559F6",
        "aws_iam_role.function-publish-feedback_execution_role_D5E952E2",
        "aws_iam_role.function-record-provisioning_execution_role_49C34772",
        "aws_iam_role.function-register-end-device_execution_role_CC072392",
        "aws_iam_role.function-register-root-keys_execution_role_5A54C553",
        "aws_iam_role.function-republish_execution_role_78ED63A4",
        "aws_iam_role.function-update-shadow_execution_role_B491D8A4",
        "aws_iam_role.function-validate-device-thing_execution_role_BE8CBC18",
        "aws_iam_role.function-validate-downlink_execution_role_E074A5EF",
        "aws_iam_role.rules-downlink_rules_role_149B875B",
        "aws_iam_role.rules-provisioning_rules_role_3677033F",
        "aws_iam_role.rules-upstream_rules_role_54FC3D27",
        "aws_iam_role.tts-access_role_C28E9AC5",
        "aws_iam_role.workflow-downlink_execution_role_5F4473AA",
        "aws_iam_role.workflow-provisioning_execution_role_986751ED",
        "aws_iam_role.workflow-upstream_execution_role_EDD165FA",
        "aws_iam_role_policy.function-downlink-claim_execution_policy_DB0248C0",
        "aws_iam_role_policy.function-enqueue-downlink_execution_policy_A81B7576",
        "aws_iam_role_policy.function-ensure-thing_execution_policy_F8FC7001",
        "aws_iam_role_policy.function-find-queued-downlink_execution_policy_C65BCF8E",
        "aws_iam_role_policy.function-provisioning-feedback_execution_policy_BDE0D27B",
        "aws_iam_role_policy.function-publish-feedback_execution_policy_B617DAE7",
        "aws_iam_role_policy.function-record-provisioning_execution_policy_48FBA7CC",
        "aws_iam_role_policy.function-register-end-device_execution_policy_AC88BFB5",
        "aws_iam_role_policy.function-register-root-keys_execution_policy_12D3E32C",
        "aws_iam_role_policy.function-republish_execution_policy_72E9732C",
        "aws_iam_role_policy.function-update-shadow_execution_policy_5F1B2829",
        "aws_iam_role_policy.function-validate-device-thing_execution_policy_05A2AA75",
        "aws_iam_role_policy.function-validate-downlink_execution_policy_B8F54AC2",
        "aws_iam_role_policy.rules-downlink_rules_policy_12FED054",
        "aws_iam_role_policy.rules-provisioning_rules_policy_11C6BB2A",
        "aws_iam_role_policy.rules-upstream_rules_policy_1309E8C3",
        "aws_iam_role_policy.tts-access_policy_C74F1C33",
        "aws_iam_role_policy.workflow-downlink_execution_policy_00689425",
        "aws_iam_role_policy.workflow-provisioning_execution_policy_06E152C5",
        "aws_iam_role_policy.workflow-upstream_execution_policy_329110C2",
        "aws_iot_event_configurations.thing-registry-events_event-configurations_97666E45",
        "aws_iot_thing_type.thing-type_FC399436",
        "aws_iot_topic_rule.rules-downlink_app_test_stack_downlink_EADA7928",
        "aws_iot_topic_rule.rules-provisioning_things_test_stack_created_0A68165D",
        "aws_iot_topic_rule.rules-upstream_tts_test_stack_downlink_ack_C5B9F3CA",
        "aws_iot_topic_rule.rules-upstream_tts_test_stack_downlink_failed_834E94B6",
        "aws_iot_topic_rule.rules-upstream_tts_test_stack_downlink_invalidated_6CFD6723",
        "aws_iot_topic_rule.rules-upstream_tts_test_stack_downlink_nack_9EE157EC",
        "aws_iot_topic_rule.rules-upstream_tts_test_stack_downlink_queued_A3246466",
        "aws_iot_topic_rule.rules-upstream_tts_test_stack_downlink_sent_8BCB7A8B",
        "aws_iot_topic_rule.rules-upstream_tts_test_stack_join_74037BDE",
        "aws_iot_topic_rule.rules-upstream_tts_test_stack_location_solved_12EE48EA",
        "aws_iot_topic_rule.rules-upstream_tts_test_stack_service_data_497132A0",
        "aws_iot_topic_rule.rules-upstream_tts_test_stack_uplink_CF0D7A60",
        "aws_lambda_function.function-downlink-claim_function_EF909CA2",
        "aws_lambda_function.function-enqueue-downlink_function_8C811FFB",
        "aws_lambda_function.function-ensure-thing_function_112755A5",
        "aws_lambda_function.function-find-queued-downlink_function_7038E3BE",
        "aws_lambda_function.function-provisioning-feedback_function_01D42C45",
        "aws_lambda_function.function-publish-feedback_function_7F07A6EC",
        "aws_lambda_function.function-record-provisioning_function_8B43BD70",
        "aws_lambda_function.function-register-end-device_function_49ECDF06",
        "aws_lambda_function.function-register-root-keys_function_AB3FB142",
        "aws_lambda_function.function-republish_function_06B4CEE2",
        "aws_lambda_function.function-update-shadow_function_6E48DE71",
        "aws_lambda_function.function-validate-device-thing_function_AAB0ED46",
        "aws_lambda_function.function-validate-downlink_function_BB8CFC59",
        "aws_secretsmanager_secret.tts-api-keys_secret_96719A81",
        "aws_sfn_state_machine.workflow-downlink_state-machine_47CD6DE9",
        "aws_sfn_state_machine.workflow-provisioning_state-machine_FE891707",
        "aws_sfn_state_machine.workflow-upstream_state-machine_F445286E",
        "aws_sqs_queue.rules-downlink_dead-letters_queue_0FD84BCA",
        "aws_sqs_queue.rules-provisioning_dead-letters_queue_8ED23863",
        "aws_sqs_queue.rules-upstream_dead-letters_queue_1C901FE6",
        "data.aws_caller_identity.account_caller_1C5BE04F",
        "data.aws_iot_endpoint.iot-endpoint",
        "data.aws_partition.account_partition_32ACE770",
        "output.aws_region",
        "output.iot_endpoint",
        "output.ttn_lw_cli_commands",
        "output.tts_api_keys_put_command",
        "output.tts_api_keys_secret_arn",
        "output.tts_console_settings",
        "output.tts_external_id",
        "output.tts_role_arn",
        "output.tts_stack_name",
        "random_password.tts-access_external-id_D7E01388",
      ]
    `);
  });

  it("holds nothing of the machine it was synthesized on", () => {
    expect(JSON.stringify(json)).not.toContain(process.cwd());
  });

  it("names every resource within AWS limits", () => {
    for (const role of resourcesOf(json, "aws_iam_role"))
      expect((role["name"] as string).length).toBeLessThanOrEqual(64);
    for (const fn of resourcesOf(json, "aws_lambda_function"))
      expect((fn["function_name"] as string).length).toBeLessThanOrEqual(64);
    for (const queue of resourcesOf(json, "aws_sqs_queue"))
      expect((queue["name"] as string).length).toBeLessThanOrEqual(80);
    for (const [, rule] of resourceEntries(json, "aws_iot_topic_rule"))
      expect(rule["name"]).toMatch(/^[a-zA-Z0-9_]{1,128}$/);
  });
});
