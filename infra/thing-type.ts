/**
 * The thing type of the devices' things, with the attributes applications search by. IoT allows
 * three searchable attributes per type and never changes them after creation; we use two.
 */
import { IotThingType } from "@cdktf/provider-aws/lib/iot-thing-type/index.js";
import { Construct } from "constructs";

export const SEARCHABLE_ATTRIBUTES = ["devEUI", "stackName"] as const;

export class ThingType extends Construct {
  readonly thingType: IotThingType;

  constructor(scope: Construct, id: string, props: { readonly name: string }) {
    super(scope, id);
    this.thingType = new IotThingType(this, "type", {
      name: props.name,
      properties: {
        description: "LoRaWAN end devices connected through The Things Stack",
        searchableAttributes: [...SEARCHABLE_ATTRIBUTES],
      },
    });
  }
}
