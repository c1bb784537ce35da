/**
 * Which workflows a command expects a target to have. With `--environment`, what its configuration
 * deploys: one it deploys and is missing is a failure, one it leaves off (provisioning) is not looked
 * for. Without a configuration (`--local`, `--endpoint-url`) every workflow is expected, except those a
 * configuration may leave off, which count only when they are there.
 */
import { deployedWorkflowNames } from "../infra/deployed-pieces.ts";
import { WORKFLOW_NAMES, workflowFeatureOf } from "../workflows/catalogue.ts";
import type { WorkflowName } from "../workflows/workflow-types.ts";
import type { Target } from "./target.ts";

export type WorkflowPresence = "required" | "ifPresent" | "absent";

export function workflowPresence(target: Pick<Target, "deployment">, workflow: WorkflowName): WorkflowPresence {
  if (target.deployment !== undefined) {
    return deployedWorkflowNames(target.deployment).includes(workflow) ? "required" : "absent";
  }
  return workflowFeatureOf(workflow) === undefined ? "required" : "ifPresent";
}

/** The workflows to look at, with their presence: all but those the deployment's configuration leaves off. */
export function expectedWorkflows(
  target: Pick<Target, "deployment">,
): { workflow: WorkflowName; presence: Exclude<WorkflowPresence, "absent"> }[] {
  return WORKFLOW_NAMES.flatMap((workflow) => {
    const presence = workflowPresence(target, workflow);
    return presence === "absent" ? [] : [{ workflow, presence }];
  });
}
