/**
 * The account, partition and region this stack deploys into, and the ARNs built from them for
 * resources we do not create ourselves (things, shadows, topics): the account id is only known at
 * apply time, from the credentials Terraform runs with.
 */
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity/index.js";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition/index.js";
import { Construct } from "constructs";

export class Account extends Construct {
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;

  constructor(scope: Construct, id: string, region: string) {
    super(scope, id);
    this.accountId = new DataAwsCallerIdentity(this, "caller").accountId;
    this.partition = new DataAwsPartition(this, "partition").partition;
    this.region = region;
  }

  /** `arn:<partition>:<service>:<region>:<account>:<resource>`. */
  arn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.region}:${this.accountId}:${resource}`;
  }

  /** An AWS IoT resource ARN: `thing/<name>`, `thing/<name>/<shadow>`, `topic/<topic>`, `client/<id>`, … */
  iot(resource: string): string {
    return this.arn("iot", resource);
  }
}
