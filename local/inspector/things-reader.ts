/**
 * Things and their `lorawan` shadow, read through the local AWS endpoint with the AWS SDK (ListThings,
 * DescribeThing, GetThingShadow): what an operator's console would show of the deployment, from the same
 * registry and shadow service the workflows write to.
 */
import {
  DescribeThingCommand,
  type DescribeThingCommandOutput,
  type IoTClient,
  ListThingsCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-iot";
import {
  GetThingShadowCommand,
  type IoTDataPlaneClient,
  ResourceNotFoundException as ShadowNotFoundException,
} from "@aws-sdk/client-iot-data-plane";
import { SHADOW_NAME } from "../../functions/core/shadow-report.ts";

export interface ThingSummary {
  readonly thingName: string;
  readonly thingTypeName?: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface ThingDetail extends ThingSummary {
  /** The `lorawan` shadow document (state, metadata, version, timestamp), or null when there is none yet. */
  readonly shadow: unknown;
}

/** A page of things never holds more: the page lists, it does not export. */
export const MAX_LISTED_THINGS = 500;

export class ThingNotFoundError extends Error {
  override readonly name = "ThingNotFound";
}

export class ThingsReader {
  readonly #iot: IoTClient;
  readonly #iotData: IoTDataPlaneClient;
  readonly #stackName: string;

  constructor(iot: IoTClient, iotData: IoTDataPlaneClient, stackName: string) {
    this.#iot = iot;
    this.#iotData = iotData;
    this.#stackName = stackName;
  }

  /** The deployment's things (those with its `stackName` attribute), by name. */
  async list(): Promise<{ things: ThingSummary[]; truncated: boolean }> {
    const things: ThingSummary[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#iot.send(
        new ListThingsCommand({
          attributeName: "stackName",
          attributeValue: this.#stackName,
          maxResults: 250,
          ...(nextToken === undefined ? {} : { nextToken }),
        }),
      );
      for (const thing of page.things ?? []) {
        things.push({
          thingName: thing.thingName ?? "",
          ...(thing.thingTypeName === undefined ? {} : { thingTypeName: thing.thingTypeName }),
          attributes: thing.attributes ?? {},
        });
      }
      nextToken = page.nextToken;
    } while (nextToken !== undefined && things.length < MAX_LISTED_THINGS);
    things.sort((a, b) => a.thingName.localeCompare(b.thingName));
    return { things: things.slice(0, MAX_LISTED_THINGS), truncated: nextToken !== undefined };
  }

  async get(thingName: string): Promise<ThingDetail> {
    let described: DescribeThingCommandOutput;
    try {
      described = await this.#iot.send(new DescribeThingCommand({ thingName }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) throw new ThingNotFoundError(`No thing named ${thingName}`);
      throw error;
    }
    let shadow: unknown = null;
    try {
      const answer = await this.#iotData.send(new GetThingShadowCommand({ thingName, shadowName: SHADOW_NAME }));
      shadow = JSON.parse(new TextDecoder().decode(answer.payload));
    } catch (error) {
      if (!(error instanceof ShadowNotFoundException)) throw error;
    }
    return {
      thingName,
      ...(described.thingTypeName === undefined ? {} : { thingTypeName: described.thingTypeName }),
      attributes: described.attributes ?? {},
      shadow,
    };
  }
}
