/**
 * The product's Lambda handlers for the local runtime: the same factories and the same
 * "context from environment" code as in Lambda. As in Lambda, each function's environment holds its
 * own settings and the SDK's (here: endpoint URL of the local AWS endpoint, dummy credentials). The
 * SDK clients get the endpoint's in-process request handler: the real SDK end to end, without a socket.
 */

import type { FunctionName } from "../../functions/catalogue.ts";
import * as configureTtsPubSub from "../../functions/configure-tts-pubsub/handler.ts";
import * as downlinkClaim from "../../functions/downlink-claim/handler.ts";
import * as enqueueDownlink from "../../functions/enqueue-downlink/handler.ts";
import * as ensureThing from "../../functions/ensure-thing/handler.ts";
import * as findQueuedDownlink from "../../functions/find-queued-downlink/handler.ts";
import * as provisioningFeedback from "../../functions/provisioning-feedback/handler.ts";
import * as publishFeedback from "../../functions/publish-feedback/handler.ts";
import * as recordProvisioning from "../../functions/record-provisioning/handler.ts";
import * as registerEndDevice from "../../functions/register-end-device/handler.ts";
import * as registerRootKeys from "../../functions/register-root-keys/handler.ts";
import * as republish from "../../functions/republish/handler.ts";
import type { Environment, SdkOverrides } from "../../functions/runtime/aws-clients.ts";
import { once } from "../../functions/runtime/once.ts";
import * as updateShadow from "../../functions/update-shadow/handler.ts";
import * as validateDeviceThing from "../../functions/validate-device-thing/handler.ts";
import * as validateDownlink from "../../functions/validate-downlink/handler.ts";
import type { LocalHandler, LocalHandlers } from "../workflows/task-overrides.ts";
import type { FunctionEnvironments } from "./function-environments.ts";

export function localHandlers(
  settings: FunctionEnvironments,
  sdkEnvironment: Environment,
  sdk: SdkOverrides = {},
): Required<LocalHandlers> {
  const local = (handler: (event: never) => Promise<unknown>) => handler as LocalHandler;
  const env = (name: FunctionName): Environment => ({ ...sdkEnvironment, ...settings[name] });
  return {
    "ensure-thing": local(
      ensureThing.createEnsureThingHandler(once(() => ensureThing.contextFromEnvironment(env("ensure-thing"), sdk))),
    ),
    "update-shadow": local(
      updateShadow.createUpdateShadowHandler(
        once(() => updateShadow.contextFromEnvironment(env("update-shadow"), sdk)),
      ),
    ),
    republish: local(
      republish.createRepublishHandler(once(() => republish.contextFromEnvironment(env("republish"), sdk))),
    ),
    "validate-downlink": local(validateDownlink.createValidateDownlinkHandler()),
    "enqueue-downlink": local(
      enqueueDownlink.createEnqueueDownlinkHandler(
        once(() => enqueueDownlink.contextFromEnvironment(env("enqueue-downlink"), sdk)),
      ),
    ),
    "downlink-claim": local(
      downlinkClaim.createDownlinkClaimHandler(
        once(() => downlinkClaim.contextFromEnvironment(env("downlink-claim"), sdk)),
      ),
    ),
    "find-queued-downlink": local(
      findQueuedDownlink.createFindQueuedDownlinkHandler(
        once(() => findQueuedDownlink.contextFromEnvironment(env("find-queued-downlink"), sdk)),
      ),
    ),
    "publish-feedback": local(
      publishFeedback.createPublishFeedbackHandler(
        once(() => publishFeedback.contextFromEnvironment(env("publish-feedback"), sdk)),
      ),
    ),
    "validate-device-thing": local(
      validateDeviceThing.createValidateDeviceThingHandler(
        once(() => validateDeviceThing.contextFromEnvironment(env("validate-device-thing"), sdk)),
      ),
    ),
    "register-end-device": local(
      registerEndDevice.createRegisterEndDeviceHandler(
        once(() => registerEndDevice.contextFromEnvironment(env("register-end-device"), sdk)),
      ),
    ),
    "register-root-keys": local(
      registerRootKeys.createRegisterRootKeysHandler(
        once(() => registerRootKeys.contextFromEnvironment(env("register-root-keys"), sdk)),
      ),
    ),
    "record-provisioning": local(
      recordProvisioning.createRecordProvisioningHandler(
        once(() => recordProvisioning.contextFromEnvironment(env("record-provisioning"), sdk)),
      ),
    ),
    "provisioning-feedback": local(
      provisioningFeedback.createProvisioningFeedbackHandler(
        once(() => provisioningFeedback.contextFromEnvironment(env("provisioning-feedback"), sdk)),
      ),
    ),
    // No workflow invokes it (Terraform does, on AWS); listed because every catalogue function is.
    "configure-tts-pubsub": local(
      configureTtsPubSub.createConfigureTtsPubSubHandler(
        once(() => configureTtsPubSub.contextFromEnvironment(env("configure-tts-pubsub"), sdk)),
      ),
    ),
  };
}
