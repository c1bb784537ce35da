/** `X-Amz-Target: <prefix>.<Operation>` dispatch for the JSON 1.0/1.1 services. */
import type { AwsRequest, ResolvedOperation } from "./aws-request.ts";

export type JsonOperation = (body: Buffer) => unknown;

export function resolveJsonTarget(
  targetPrefix: string,
  operations: ReadonlyMap<string, JsonOperation>,
  request: AwsRequest,
): ResolvedOperation | undefined {
  const target = request.headers["x-amz-target"];
  if (request.method !== "POST" || typeof target !== "string" || !target.startsWith(`${targetPrefix}.`))
    return undefined;
  const name = target.slice(targetPrefix.length + 1);
  const operation = operations.get(name);
  if (operation === undefined) return undefined;
  return { name, run: async () => ({ json: (await operation(request.body)) ?? {} }) };
}
