/**
 * Step Functions' direct AWS SDK integrations (`arn:aws:states:::aws-sdk:iot:<action>`), run locally
 * with the real SDK v3 against the local endpoint. Step Functions takes and returns PascalCase member
 * names and names errors `<Service>.<Exception>` (e.g. `Iot.ResourceNotFoundException`): mirrored here.
 * Only top-level members are renamed, which is exact for what we call (DescribeThing: its only nested
 * value is the attributes map, whose keys are data). Step Functions also renames members of nested
 * structures; a call returning those would need that here.
 */
import * as iot from "@aws-sdk/client-iot";
import { AWS_SDK_PREFIX } from "../../workflows/sdk-task.ts";

export class SdkIntegrationError extends Error {}

export interface SdkIntegrations {
  override(resource: string): (input: unknown) => Promise<unknown>;
}

type Command = new (input: Record<string, unknown>) => Parameters<iot.IoTClient["send"]>[0];

export function sdkIntegrations(clients: { readonly iot: iot.IoTClient }): SdkIntegrations {
  return {
    override(resource) {
      const [service, action] = resource.slice(AWS_SDK_PREFIX.length).split(":");
      if (service !== "iot" || action === undefined) {
        throw new Error(`the local runtime has no SDK integration for ${resource} (only aws-sdk:iot:*)`);
      }
      const commandName = `${upperFirst(action)}Command`;
      const CommandClass = (iot as unknown as Record<string, Command | undefined>)[commandName];
      if (CommandClass === undefined) throw new Error(`@aws-sdk/client-iot has no ${commandName} for ${resource}`);
      return async (input) => {
        try {
          const output = await clients.iot.send(new CommandClass(renameKeys(input, lowerFirst)) as never);
          const { $metadata: _, ...result } = output as unknown as Record<string, unknown>;
          return renameKeys(result, upperFirst);
        } catch (error) {
          throw integrationError("Iot", error);
        }
      };
    },
  };
}

function integrationError(service: string, error: unknown): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const failure = new SdkIntegrationError(
    `${original.message} (Service: ${service}, Status Code: ${(error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? "?"})`,
  );
  failure.name = `${service}.${original.name}`;
  return failure;
}

function renameKeys(value: unknown, rename: (key: string) => string): Record<string, unknown> {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(Object.entries(value).map(([key, member]) => [rename(key), member]));
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
