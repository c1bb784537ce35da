/**
 * One IAM role for one AWS service principal (a function, a state machine, the IoT rules of a
 * workflow) with its own inline least-privilege policy. Roles are never shared: a role's policy
 * then says exactly what that one component may do.
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role/index.js";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy/index.js";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument } from "./policy-document.ts";

export const MAX_ROLE_NAME_LENGTH = 64;

export interface ServiceRoleProps {
  readonly roleName: string;
  readonly description: string;
  /** e.g. `lambda.amazonaws.com`. */
  readonly service: string;
  /** Confused-deputy guard, for services that send `aws:SourceAccount` when assuming roles. */
  readonly sourceAccount?: string;
  readonly statements: readonly PolicyStatement[];
}

/** IAM descriptions accept Latin-1 only, at most 1000 characters; catalogue descriptions may use arrows. */
export function iamDescription(text: string): string {
  return text
    .replace(/→/g, "->")
    .replace(/…/g, "...")
    .replace(/[^\t\n\r\u0020-\u007E\u00A1-\u00FF]/g, "?")
    .slice(0, 1000);
}

export class ServiceRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    if (props.roleName.length > MAX_ROLE_NAME_LENGTH) {
      throw new Error(
        `IAM role name ${props.roleName} is longer than ${MAX_ROLE_NAME_LENGTH} characters: shorten the stack name`,
      );
    }
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: iamDescription(props.description),
      assumeRolePolicy: policyDocument([
        {
          Effect: "Allow",
          Principal: { Service: props.service },
          Action: "sts:AssumeRole",
          ...(props.sourceAccount !== undefined
            ? { Condition: { StringEquals: { "aws:SourceAccount": props.sourceAccount } } }
            : {}),
        },
      ]),
    });
    this.policy = new IamRolePolicy(this, "policy", {
      name: "least-privilege",
      role: this.role.id,
      policy: policyDocument(props.statements),
    });
  }

  get arn(): string {
    return this.role.arn;
  }
}
