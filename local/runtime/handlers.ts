/**
 * The product's Lambda handlers for the local runtime: the same factories and the same
 * "context from environment" code as in Lambda, given the runtime's environment record (endpoint
 * URL of the local AWS endpoint, dummy credentials, function settings).
 */
import * as ensureThing from "../../functions/ensure-thing/handler.ts";
import * as republish from "../../functions/republish/handler.ts";
import type { Environment } from "../../functions/runtime/aws-clients.ts";
import { once } from "../../functions/runtime/once.ts";
import * as updateShadow from "../../functions/update-shadow/handler.ts";
import type { LocalHandlers } from "../workflows/lambda-overrides.ts";

export function localHandlers(env: Environment): LocalHandlers {
  return {
    "ensure-thing": ensureThing.createEnsureThingHandler(once(() => ensureThing.contextFromEnvironment(env))) as LocalHandlers["ensure-thing"],
    "update-shadow": updateShadow.createUpdateShadowHandler(once(() => updateShadow.contextFromEnvironment(env))) as LocalHandlers["update-shadow"],
    republish: republish.createRepublishHandler(once(() => republish.contextFromEnvironment(env))) as LocalHandlers["republish"],
  };
}
