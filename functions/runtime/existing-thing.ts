/** DescribeThing for steps that must tell "no such thing" (a normal answer for them) from a failure. */
import { DescribeThingCommand, type IoTClient, ResourceNotFoundException } from "@aws-sdk/client-iot";

export interface ExistingThing {
  readonly attributes: Record<string, string>;
  readonly thingTypeName: string | undefined;
}

/** The thing's attributes and type, or undefined when it does not exist (deleted, or never created). */
export async function describeExistingThing(iot: IoTClient, thingName: string): Promise<ExistingThing | undefined> {
  try {
    const thing = await iot.send(new DescribeThingCommand({ thingName }));
    return { attributes: thing.attributes ?? {}, thingTypeName: thing.thingTypeName };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}
