/**
 * Where Terraform keeps the state of one environment. Never cdktf's default: that writes the
 * absolute path of the machine that ran synth into `cdk.tf.json`.
 *
 * A local path is given relative to the project root and written relative to the directory
 * Terraform runs in (`cdktf.out/stacks/<environment>`), so the state file stays at the project root:
 * `cdktf synth` deletes stack directories it no longer produces, and a state inside one would go
 * with it.
 */

import { posix } from "node:path";
import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { StateBackendConfig } from "./config/environment-schema.ts";

/** From `cdktf.out/stacks/<environment>` back to the project root. */
const STACK_DIRECTORY_TO_PROJECT_ROOT = "../../..";

export function defaultStateBackend(environment: string): StateBackendConfig {
  return { type: "local", path: `terraform.${environment}.tfstate` };
}

export function configureStateBackend(stack: TerraformStack, backend: StateBackendConfig): void {
  if (backend.type === "local") {
    new LocalBackend(stack, { path: posix.join(STACK_DIRECTORY_TO_PROJECT_ROOT, backend.path.replace(/\\/g, "/")) });
    return;
  }
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: backend.key,
    region: backend.region,
    encrypt: true,
    ...(backend.dynamodbTable !== undefined ? { dynamodbTable: backend.dynamodbTable } : {}),
  });
  // S3-native locking (Terraform ≥ 1.10, OpenTofu ≥ 1.10); cdktf 0.21 has no property for it.
  if (backend.useLockfile) stack.addOverride("terraform.backend.s3.use_lockfile", true);
}
