/**
 * The role TTS assumes from TTI's account (or the operator's, for Enterprise) to connect to our IoT
 * Core: trusted only with our generated ExternalId (the confused-deputy guard the official
 * integration lacks), allowed only what TTS's AWS IoT pub/sub does for this one stack name — connect
 * as `thethings-<stack>`, publish under `thethings/lorawan/<stack>/`, take its two downlink topics,
 * and look up the endpoint.
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { Password } from "@cdktf/provider-random/lib/password/index.js";
import { Construct } from "constructs";
import { ttsTopicPrefix } from "../../functions/core/tts-events.ts";
import { ttsRoleName } from "../../functions/tts/pubsub.ts";
import type { Account } from "../account.ts";
import { allow, policyDocument, WILDCARD_ONLY_ACTIONS } from "../iam/policy-document.ts";

/** TTS's MQTT client id for a stack (DESIGN §1). */
export function ttsClientId(stackName: string): string {
  return `thethings-${stackName}`;
}

/** TTS subscribes to these for downlinks (we enqueue through the HTTP API, but TTS still subscribes). */
export const TTS_DOWNLINK_TOPICS = ["downlink/push", "downlink/replace"] as const;

export interface TtsAccessRoleProps {
  readonly stackName: string;
  readonly principalAccountId: string;
  readonly account: Account;
}

export class TtsAccessRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  /** Sensitive: readable through the `tts_external_id` output only. */
  readonly externalId: string;

  constructor(scope: Construct, id: string, props: TtsAccessRoleProps) {
    super(scope, id);
    const { account, stackName } = props;
    const prefix = ttsTopicPrefix(stackName);

    // `random_password` rather than `random_id`: its result is marked sensitive in plans and outputs.
    // Alphanumeric: the characters AWS allows in an ExternalId and TTS's console accepts unquoted.
    this.externalId = new Password(this, "external-id", { length: 40, special: false }).result;

    this.role = new IamRole(this, "role", {
      name: ttsRoleName(stackName),
      description: `The Things Stack (stack name ${stackName}) publishing into and subscribing from AWS IoT Core`,
      // TTS keeps its session for an hour at most.
      maxSessionDuration: 3600,
      assumeRolePolicy: policyDocument([
        {
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${props.principalAccountId}:root` },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": this.externalId } },
        },
      ]),
    });

    this.policy = new IamRolePolicy(this, "policy", {
      name: "tts-pubsub",
      role: this.role.id,
      policy: policyDocument([
        allow(["iot:Connect"], [account.iot(`client/${ttsClientId(stackName)}`)], "ConnectAsTts"),
        allow(["iot:Publish"], [account.iot(`topic/${prefix}/*`)], "PublishTtsEvents"),
        allow(
          ["iot:Subscribe"],
          TTS_DOWNLINK_TOPICS.map((topic) => account.iot(`topicfilter/${prefix}/${topic}`)),
          "SubscribeDownlinkTopics",
        ),
        allow(
          ["iot:Receive"],
          TTS_DOWNLINK_TOPICS.map((topic) => account.iot(`topic/${prefix}/${topic}`)),
          "ReceiveDownlinkTopics",
        ),
        allow(WILDCARD_ONLY_ACTIONS.iotDescribeEndpoint, ["*"], "DescribeEndpointHasNoResourceType"),
      ]),
    });
  }
}
