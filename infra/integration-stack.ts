/**
 * The Terraform stack of one deployment (one environment of the configuration: one TTS stack name in
 * one AWS account and region). Everything is derived from the catalogues: every function of
 * `functions/catalogue.ts`, every workflow of `workflows/catalogue.ts`, every rule of `topicRules()`.
 */
import { DataAwsIotEndpoint } from "@cdktf/provider-aws/lib/data-aws-iot-endpoint/index.js";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider/index.js";
import { RandomProvider } from "@cdktf/provider-random/lib/provider/index.js";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { FUNCTIONS, type FunctionName } from "../functions/catalogue.ts";
import { Account } from "./account.ts";
import { bundleFunction, DEFAULT_BUNDLE_CACHE } from "./bundle/bundle-function.ts";
import { type EnvironmentConfig, ttsPrincipalAccount } from "./config/environment-schema.ts";
import {
  deployedFunctionNames,
  deployedTopicRules,
  deployedWorkflowNames,
  lambdaFunctionName,
} from "./deployed-pieces.ts";
import { environmentOf, FUNCTION_SETTINGS, type FunctionContext } from "./lambda/function-settings.ts";
import { WorkflowFunction } from "./lambda/workflow-function.ts";
import { StackAlarms } from "./monitoring/stack-alarms.ts";
import { StackDashboard } from "./monitoring/stack-dashboard.ts";
import { ThingRegistryEvents } from "./provisioning/thing-registry-events.ts";
import { configureStateBackend, defaultStateBackend } from "./state-backend.ts";
import { ThingType } from "./thing-type.ts";
import { TtsAccessRole } from "./tts/tts-access-role.ts";
import { TtsApiKeysSecret } from "./tts/tts-api-keys-secret.ts";
import { TtsPubSubInvocations } from "./tts/tts-pubsub-invocations.ts";
import { TtsSettingsOutputs } from "./tts/tts-settings-outputs.ts";
import { WorkflowRules } from "./workflow/workflow-rules.ts";
import { WorkflowStateMachine } from "./workflow/workflow-state-machine.ts";

export interface IntegrationStackProps {
  readonly config: EnvironmentConfig;
  /** Where esbuild bundles go (tests use a temporary directory). */
  readonly bundleCache?: string;
  /** esbuild by default; tests of the stack stand in for it (seconds per function), the real bundles are tested on their own. */
  readonly buildBundle?: (entry: string) => Uint8Array;
}

export class IntegrationStack extends TerraformStack {
  constructor(scope: Construct, environment: string, props: IntegrationStackProps) {
    super(scope, environment);
    const { config } = props;
    const { stackName } = config;

    configureStateBackend(this, config.stateBackend ?? defaultStateBackend(environment));
    new AwsProvider(this, "aws", {
      region: config.region,
      ...(config.accountId !== undefined ? { allowedAccountIds: [config.accountId] } : {}),
      defaultTags: [
        { tags: { ...config.tags, Application: "tts-aws-iot", TtsStackName: stackName, Environment: environment } },
      ],
    });
    new RandomProvider(this, "random");

    const account = new Account(this, "account", config.region);
    const iotEndpoint = new DataAwsIotEndpoint(this, "iot-endpoint", { endpointType: "iot:Data-ATS" }).endpointAddress;

    new ThingType(this, "thing-type", { name: config.things.typeName });
    const apiKeys = new TtsApiKeysSecret(this, "tts-api-keys", { stackName, source: config.tts.apiKeys });
    const tts = new TtsAccessRole(this, "tts-access", {
      stackName,
      principalAccountId: ttsPrincipalAccount(config.tts),
      account,
    });

    const context: FunctionContext = {
      config,
      account,
      iotDataEndpoint: iotEndpoint,
      ttsApiKeysSecretArn: apiKeys.arn,
    };
    const functions = deployedFunctionNames(config).map((name) => ({
      name,
      deployed: new WorkflowFunction(this, `function-${name}`, {
        functionName: lambdaFunctionName(stackName, name),
        description: FUNCTIONS[name].description,
        bundle: bundleFunction(
          name,
          FUNCTIONS[name].entry,
          props.bundleCache ?? DEFAULT_BUNDLE_CACHE,
          props.buildBundle,
        ),
        settings: FUNCTION_SETTINGS[name],
        environment: environmentOf(name, context),
        context,
      }),
    }));
    const functionArns: Partial<Record<FunctionName, string>> = Object.fromEntries(
      functions.map(({ name, deployed }) => [name, deployed.function.arn]),
    );

    if (config.things.provisioning.enabled) new ThingRegistryEvents(this, "thing-registry-events");
    const rules = deployedTopicRules(config);
    const workflows = deployedWorkflowNames(config).map((workflow) => {
      const machine = new WorkflowStateMachine(this, `workflow-${workflow}`, {
        workflow,
        config,
        account,
        functionArns,
      });
      const triggers = new WorkflowRules(this, `rules-${workflow}`, {
        rules: rules.filter((rule) => rule.workflow === workflow),
        target: machine,
        account,
      });
      return { workflow, machine, triggers };
    });

    new StackAlarms(this, "alarms", {
      stateMachines: workflows.map(({ machine }) => machine),
      functions,
      deadLetterQueues: workflows.map(({ triggers }) => triggers.deadLetters),
      actions: config.alarmActions,
    });
    new StackDashboard(this, "dashboard", {
      dashboardName: stackName,
      region: config.region,
      workflows,
      functionNames: functions.map(({ deployed }) => deployed.functionName),
      deadLetterQueues: workflows.map(({ triggers }) => triggers.deadLetters),
    });

    if (config.tts.configurePubSub) {
      const configure = functions.find(({ name }) => name === "configure-tts-pubsub")?.deployed;
      if (configure === undefined) throw new Error("the catalogue has no configure-tts-pubsub function");
      new TtsPubSubInvocations(this, "tts-pubsub", {
        config,
        functionName: configure.function.functionName,
        roleArn: tts.role.arn,
        externalId: tts.externalId,
        iotEndpoint,
        dependsOn: [
          configure.function,
          configure.role.policy,
          tts.role,
          tts.policy,
          ...(apiKeys.version ? [apiKeys.version] : []),
        ],
      });
    }

    new TtsSettingsOutputs(this, "tts-settings", {
      environment,
      config,
      roleArn: tts.role.arn,
      externalId: tts.externalId,
      iotEndpoint,
      apiKeysSecretArn: apiKeys.arn,
    });
  }
}
