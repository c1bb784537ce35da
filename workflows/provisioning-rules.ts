/**
 * The rules that start the provisioning workflow: AWS IoT thing registry events
 * (`$aws/events/thing/<thingName>/created|deleted`, published once the account's event configuration
 * enables THING events) for things of our thing type and our `stackName`. The WHERE clause reads the
 * event's attributes; the SELECT takes none that could hold a key (the event carries every attribute,
 * root keys included): the workflow reads what it needs from the registry itself.
 */
import { ruleName, SQL_VERSION, type TopicRule } from "./topic-rule.ts";

export interface ProvisioningRuleOptions {
  readonly thingTypeName: string;
  /** Also delete the TTS device when its thing is deleted (opt-in). */
  readonly deleteInTts: boolean;
}

/** AWS IoT Core Developer Guide, "Registry events": `$aws/events/thing/<thingName>/<operation>`. */
export function thingEventTopic(thingName: string, operation: "created" | "updated" | "deleted"): string {
  return `$aws/events/thing/${thingName}/${operation}`;
}

export function provisioningRules(stackName: string, options: ProvisioningRuleOptions): TopicRule[] {
  const ours = `WHERE thingTypeName = '${options.thingTypeName}' AND attributes.stackName = '${stackName}'`;
  const rule = (operation: "created" | "deleted", select: string, what: string): TopicRule => ({
    name: ruleName("things", stackName, operation),
    description: `Things of type ${options.thingTypeName} and stack ${stackName} ${operation} → provisioning workflow (${what})`,
    sql: `SELECT ${select} FROM '${thingEventTopic("+", operation)}' ${ours}`,
    sqlVersion: SQL_VERSION,
    workflow: "provisioning",
    executionNamePrefix: `thing-${operation}`,
  });
  return [
    rule("created", "operation, thingName, timestamp", "create the device in TTS"),
    ...(options.deleteInTts
      ? [
          rule(
            "deleted",
            "operation, thingName, attributes.deviceID AS deviceID, attributes.applicationID AS applicationID, timestamp",
            "delete the device from TTS",
          ),
        ]
      : []),
  ];
}
