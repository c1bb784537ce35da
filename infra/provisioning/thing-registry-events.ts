/**
 * Turns on the account's THING registry events (`$aws/events/thing/<name>/created|updated|deleted`),
 * which the provisioning rules listen to. The event configuration is one per account and region,
 * not per stack: every deployment (and anything else) in the account sees it on, and Terraform does
 * not turn it off again on destroy (the provider's delete only forgets it). Publishing the events
 * costs messaging per registry change (AWS IoT Core pricing).
 */
import { IotEventConfigurations } from "@cdktf/provider-aws/lib/iot-event-configurations/index.js";
import { Construct } from "constructs";

export class ThingRegistryEvents extends Construct {
  readonly configuration: IotEventConfigurations;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.configuration = new IotEventConfigurations(this, "event-configurations", {
      eventConfigurations: { THING: true },
    });
  }
}
