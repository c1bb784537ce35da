/**
 * The embedded default: the whole integration on one machine, no AWS account, no network.
 *
 *   TTS simulator ──MQTT──▶ broker ──rules engine──▶ workflows (same ASL) ──▶ handlers (same code)
 *                                                                             │ AWS SDK v3
 *                                   broker ◀── Publish / shadow topics ── local AWS endpoint (state on disk)
 */
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import {
  CreateThingTypeCommand,
  type IoTClient,
  ResourceAlreadyExistsException,
  UpdateEventConfigurationsCommand,
} from "@aws-sdk/client-iot";
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { iotClientFor, iotDataClientFor, secretsManagerClientFor } from "../../functions/runtime/aws-clients.ts";
import { apiKeySecretName } from "../../functions/tts/api-keys.ts";
import { stateMachineName, topicRules, WORKFLOW_NAMES } from "../../workflows/catalogue.ts";
import {
  type AwsEndpoint,
  AwsError,
  ExecutionStore,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startAwsEndpoint,
} from "../aws/index.ts";
import { type LocalBroker, startBroker } from "../broker/broker.ts";
import { type Inspector, startInspector } from "../inspector/inspector.ts";
import { ThingsReader } from "../inspector/things-reader.ts";
import { freePort, urlHost } from "../net/listen.ts";
import { compileRule } from "../rules/index.ts";
import {
  DEFAULT_APPLICATION_ID,
  startTtsApi,
  startTtsSimulator,
  type TtsApi,
  type TtsSimulator,
} from "../tts-simulator/index.ts";
import { assertExecutionInputWithinLimit } from "../workflows/data-limit.ts";
import { executionLogSource } from "../workflows/execution-log-records.ts";
import { type ExecutionSummary, LocalWorkflows } from "../workflows/runner.ts";
import { sdkIntegrations } from "../workflows/sdk-integrations.ts";
import type { LocalConfig } from "./config.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { functionEnvironments } from "./function-environments.ts";
import { localHandlers } from "./handlers.ts";
import { boundHeapGrowth } from "./heap-growth.ts";
import { Inbox, InboxClosedError } from "./inbox/inbox.ts";
import { localAwsIotPubSub, localPubSubSetBody } from "./local-pubsub.ts";
import { RuleDeadLetters } from "./rule-dead-letters.ts";
import { createRulesEngine, type RuleFailure } from "./topic-rules.ts";

/** How long a shutdown waits for running executions; what is still running then runs again at the next start. */
const SHUTDOWN_DRAIN_MS = 30_000;

export interface ShutdownReport {
  /** Executions that ended during the shutdown. */
  readonly drained: number;
  /** Accepted messages not executed yet, kept on disk for the next start. */
  readonly leftQueued: number;
}

export interface LocalRuntime {
  readonly config: LocalConfig;
  readonly dataDir: string;
  readonly broker: LocalBroker;
  readonly aws: AwsEndpoint;
  readonly workflows: LocalWorkflows;
  /** Absent with `--devices 0`: then nothing holds TTS's client id, and a real TTS (or a test) can connect. */
  readonly simulator: TtsSimulator | undefined;
  /**
   * The simulator's TTS HTTP API (downlink queue, rights, pub/sub and device registries); absent with
   * `--devices 0`. Its pub/sub registry holds this deployment's AWS IoT pub/sub from the start.
   */
  readonly ttsApi: TtsApi | undefined;
  /** The Secrets Manager secret holding `{"<applicationId>": "<TTS API key>"}`. */
  readonly apiKeySecretArn: string;
  /** The execution inspector's web page; absent with `--inspector-port 0`. */
  readonly inspector: Inspector | undefined;
  readonly urls: { readonly mqtt: string; readonly mqttWs: string; readonly aws: string; readonly tts: string };
  /** Environment for AWS SDK clients and the AWS CLI aimed at the local endpoint. */
  readonly sdkEnvironment: Readonly<Record<string, string>>;
  /** Rule starts and evaluations that failed; failed starts are also in the workflows' dead-letter queues. */
  readonly ruleFailures: readonly RuleFailure[];
  /** Accepted messages on disk, waiting for or in their workflow execution. */
  readonly inbox: Inbox;
  /**
   * Stops taking publishes, lets running executions finish (at most 30 s), leaves the messages not
   * started yet on disk for the next start, writes all state, closes every port.
   */
  close(): Promise<ShutdownReport>;
}

export interface RuntimeHooks {
  readonly onExecution?: (summary: ExecutionSummary) => void;
  readonly onRuleFailure?: (failure: RuleFailure) => void;
  /** Retry waits in ms instead of the ASL's (tests). */
  readonly retryIntervalMs?: number;
  /** Wait states' time in ms instead of the ASL's (tests); defaults to `retryIntervalMs`. */
  readonly waitMs?: number;
  /** The TTS calls' timeout in ms instead of the functions' default 5 s (tests of slow answers). */
  readonly ttsRequestTimeoutMs?: number;
  /** false: simulated devices join and send uplinks only when asked (tests). Default true. */
  readonly simulatorScheduled?: boolean;
}

export async function startLocalRuntime(config: LocalConfig, hooks: RuntimeHooks = {}): Promise<LocalRuntime> {
  boundHeapGrowth();
  const dataDir = resolve(config.dataDir);
  // As deployed: the provisioning state machine (and its queue) only when provisioning is on.
  const workflowNames = WORKFLOW_NAMES.filter((name) => name !== "provisioning" || config.provisioning === "on");
  await mkdir(dataDir, { recursive: true });
  // Before anything reads the state: another runtime's writes would be lost otherwise.
  const releaseDataDir = await lockDataDir(dataDir);
  const cleanups: (() => Promise<void>)[] = [releaseDataDir];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  try {
    const inbox = await Inbox.open(dataDir, {
      maxMessages: config.maxBacklog,
      maxBytes: config.maxBacklogMb * 2 ** 20,
    });
    cleanups.push(() => inbox.close());
    const ruleFailures: RuleFailure[] = [];
    // Set once the endpoint serving the dead-letter queues is up.
    let deadLetters: RuleDeadLetters | undefined;
    const reportRuleFailure = (failure: RuleFailure) => {
      ruleFailures.push(failure);
      try {
        deadLetters?.record(failure);
      } catch (error) {
        console.error(`Could not dead-letter the message of rule ${failure.rule}:`, error);
      }
      hooks.onRuleFailure?.(failure);
    };
    // The deployment's rules, once: the engine evaluates them and the endpoint lists them (ListTopicRules).
    const deployedRules = topicRules(
      config.stackName,
      config.provisioning === "on"
        ? { thingTypeName: config.thingTypeName, deleteInTts: config.deleteInTts === "on" }
        : undefined,
    );
    // Every message a rule takes is on disk before its publisher is acknowledged; the runner takes it from the
    // inbox as soon as it is recorded, possibly before that.
    const rules = createRulesEngine(
      deployedRules,
      {
        start: (workflow, input, { namePrefix, rule, message }) => {
          // StartExecution's own check, before the message is accepted: its refusal is the rule's error action.
          assertExecutionInputWithinLimit(input);
          return inbox.accept(
            {
              rule,
              topic: message.topic,
              clientId: message.clientId,
              payload: message.payload.toString("base64"),
              workflow,
              namePrefix,
              input,
            },
            { durable: message.acknowledged },
          );
        },
      },
      reportRuleFailure,
    );
    const broker = await startBroker({
      host: config.bindHost,
      mqttPort: config.mqttPort,
      wsPort: config.mqttWsPort,
      accept: rules,
    });
    cleanups.push(() => broker.close());

    const store = new ExecutionStore({
      dataDir,
      maxExecutions: config.maxExecutions,
      maxBytes: config.maxExecutionBytes,
    });
    let workflows: LocalWorkflows | undefined;
    const aws = await startAwsEndpoint({
      host: config.bindHost,
      port: config.awsPort,
      region: LOCAL_REGION,
      dataDir,
      executionStore: store,
      topicRules: deployedRules.map((rule) => ({
        rule,
        topicPattern: compileRule(rule.sql).topicFilter,
        stateMachineName: stateMachineName(config.stackName, rule.workflow),
      })),
      // Express history lives only in CloudWatch Logs on AWS: the same `aws logs …` reads serve it here.
      logs: executionLogSource({
        store,
        stateMachines: () => workflows?.stateMachines() ?? [],
        logging: { level: config.workflowLogLevel, includeExecutionData: config.includeExecutionData === "on" },
      }),
      publish: (topic, payload, options) =>
        broker.publish(topic, payload, options).catch((error: unknown) => {
          // One of the errors the Publish API reference lists; the SDK retries it.
          throw error instanceof InboxClosedError
            ? new AwsError("InternalFailureException", error.message, 500)
            : error;
        }),
      stepFunctions: {
        listStateMachines: () => workflows?.stateMachines() ?? [],
        startExecution: async (request) => {
          if (workflows === undefined)
            throw Object.assign(new Error("runtime is starting"), { name: "StateMachineDoesNotExist" });
          const started = workflows.start(
            request.stateMachineArn,
            JSON.parse(request.input),
            request.name ? { name: request.name } : {},
          );
          return { executionArn: started.executionArn, startDate: started.startDate };
        },
      },
    });
    cleanups.push(() => aws.close());
    deadLetters = new RuleDeadLetters(aws.sqsQueues, config.stackName, workflowNames);

    const sdkEnvironment = {
      AWS_ENDPOINT_URL: aws.url,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    };
    // In process: the handlers' SDK requests reach the endpoint's dispatch without a socket.
    const sdk = { requestHandler: aws.requestHandler };
    // The runtime's own clients, configured exactly as the handlers' are.
    const iot = iotClientFor(sdkEnvironment, sdk);
    const secrets = secretsManagerClientFor(sdkEnvironment, sdk);
    cleanups.push(async () => {
      iot.destroy();
      secrets.destroy();
    });
    await ensureThingType(iot, config.thingTypeName);
    // What Terraform's aws_iot_event_configurations does for a deployment with provisioning on.
    if (config.provisioning === "on") {
      await iot.send(new UpdateEventConfigurationsCommand({ eventConfigurations: { THING: { Enabled: true } } }));
    }
    const apiKeySecretArn = await putApiKeySecret(secrets, apiKeySecretName(config.stackName), {
      [DEFAULT_APPLICATION_ID]: config.ttsApiKey,
    });
    // Addressed by the enqueue step before the simulator's API starts, so port 0 is resolved now.
    const ttsPort = config.ttsPort === 0 ? await freePort(config.bindHost) : config.ttsPort;
    const ttsUrl = `http://${urlHost(config.bindHost)}:${ttsPort}`;

    let inspector: Inspector | undefined;
    const runningWorkflows = new LocalWorkflows({
      stackName: config.stackName,
      workflows: workflowNames,
      store,
      region: LOCAL_REGION,
      sdk: sdkIntegrations({ iot }),
      handlers: localHandlers(
        functionEnvironments(config, {
          url: ttsUrl,
          apiKeySecretArn,
          applicationId: DEFAULT_APPLICATION_ID,
          ...(hooks.ttsRequestTimeoutMs !== undefined ? { requestTimeoutMs: hooks.ttsRequestTimeoutMs } : {}),
        }),
        sdkEnvironment,
        sdk,
      ),
      // The inspector shows an execution from its start: a page open then sees it RUNNING, then ended.
      onStarted: (executionArn) => inspector?.executionChanged(executionArn),
      onFinished: (summary) => {
        hooks.onExecution?.(summary);
        inspector?.executionChanged(summary.executionArn);
      },
      ...(hooks.retryIntervalMs !== undefined ? { retryIntervalMs: hooks.retryIntervalMs } : {}),
      ...(hooks.waitMs !== undefined ? { waitMs: hooks.waitMs } : {}),
    });
    workflows = runningWorkflows;
    runningWorkflows.takeFrom(inbox, (entry, error) =>
      reportRuleFailure({
        rule: entry.rule,
        workflow: entry.workflow,
        stage: "action",
        topic: entry.topic,
        payload: Buffer.from(entry.payload, "base64"),
        clientId: entry.clientId,
        error,
      }),
    );

    const urls = {
      mqtt: `mqtt://${urlHost(config.bindHost)}:${broker.mqttPort}`,
      mqttWs: `ws://${urlHost(config.bindHost)}:${broker.wsPort}/mqtt`,
      aws: aws.url,
    };
    let simulator: TtsSimulator | undefined;
    let ttsApi: TtsApi | undefined;
    if (config.devices > 0) {
      const started = await startTtsSimulator({
        mqttUrl: urls.mqtt,
        stackName: config.stackName,
        devices: config.devices,
        intervalSeconds: config.interval,
        scheduled: hooks.simulatorScheduled ?? true,
      });
      cleanups.push(() => started.stop());
      simulator = started;
      ttsApi = await startTtsApi({
        host: config.bindHost,
        port: ttsPort,
        // Devices created through the registries (the provisioning workflow) join this fleet.
        simulator: started,
        apiKeys: new Map([[started.fleet.applicationId, { key: config.ttsApiKey, rights: config.ttsApiKeyRights }]]),
      });
      cleanups.push(() => ttsApi!.close());
      const pubSub = localAwsIotPubSub({
        applicationId: started.fleet.applicationId,
        stackName: config.stackName,
        bindHost: config.bindHost,
      });
      try {
        ttsApi.pubsubs.set(pubSub.applicationId, pubSub.pubSubId, localPubSubSetBody(pubSub), new Date());
      } catch (error) {
        // TTS's own rules refuse the pub/sub (a stack name with "--" makes no pub/sub id): the runtime
        // serves on, and `doctor` reports the missing pub/sub as it would on AWS.
        console.error(`The simulated TTS refused this deployment's AWS IoT pub/sub: ${(error as Error).message}`);
      }
    }

    if (config.inspectorPort !== 0) {
      const iotData = iotDataClientFor(sdkEnvironment, undefined);
      cleanups.push(async () => iotData.destroy());
      const started = await startInspector({
        host: config.bindHost,
        port: config.inspectorPort,
        stackName: config.stackName,
        store,
        things: new ThingsReader(iot, iotData, config.stackName),
        mqttUrl: urls.mqtt,
        secrets: () => [config.ttsApiKey],
      });
      cleanups.push(() => started.close());
      inspector = started;
    }

    let closing: Promise<ShutdownReport> | undefined;
    return {
      config,
      dataDir,
      broker,
      aws,
      workflows: runningWorkflows,
      simulator,
      ttsApi,
      apiKeySecretArn,
      inspector,
      urls: { ...urls, tts: ttsApi?.url ?? ttsUrl },
      sdkEnvironment,
      ruleFailures,
      inbox,
      close: () =>
        (closing ??= (async () => {
          // Drain before closing anything the executions use (TTS API, AWS endpoint, broker): no new
          // work from the simulator or any client, then the running executions to their end; what
          // has not started stays in the inbox. The inbox closes before the endpoints, so an
          // execution cut short by the time limit is not marked done and runs again at the next start.
          await simulator?.stop();
          broker.stopTakingPublishes();
          inbox.stopAccepting();
          const { drained } = await runningWorkflows.drain(SHUTDOWN_DRAIN_MS);
          await inbox.close();
          const leftQueued = inbox.backlog.messages;
          await closeAll();
          return { drained, leftQueued };
        })()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function ensureThingType(iot: IoTClient, thingTypeName: string): Promise<void> {
  try {
    await iot.send(
      new CreateThingTypeCommand({
        thingTypeName,
        thingTypeProperties: {
          thingTypeDescription: "LoRaWAN device on The Things Stack",
          searchableAttributes: ["devEUI", "stackName"],
        },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceAlreadyExistsException)) throw error;
  }
}

/** Creates the API key secret, or sets its value when it exists (the key may have changed). */
async function putApiKeySecret(
  secrets: SecretsManagerClient,
  name: string,
  keys: Record<string, string>,
): Promise<string> {
  try {
    const created = await secrets.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(keys) }));
    return created.ARN!;
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
    const updated = await secrets.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: JSON.stringify(keys) }),
    );
    return updated.ARN!;
  }
}
