/** The IoT control plane (REST-JSON, signing name `iot`): things, thing types, topic rules (read), event configurations, DescribeEndpoint. */
import { z } from "zod";
import type { AwsRequest, AwsService } from "./aws-request.ts";
import { invalidRequest } from "./errors.ts";
import type { EventConfigurations } from "./event-configurations.ts";
import { booleanQuery, defined, integerQuery } from "./query-params.ts";
import { parseJsonBody } from "./request-body.ts";
import { type RestRoute, resolveRestRoute } from "./rest-routes.ts";
import { AttributesSchema, type ThingRegistry } from "./thing-registry.ts";
import type { TopicRuleCatalogue } from "./topic-rule-catalogue.ts";

const ENDPOINT_TYPES = new Set(["iot:Data", "iot:Data-ATS", "iot:CredentialProvider", "iot:Jobs"]);
const BAD_REQUEST = "InvalidRequestException";

const attributePayload = z.object({
  attributes: AttributesSchema.optional(),
  merge: z.boolean().optional(),
});
const createThingBody = z.object({
  thingTypeName: z.string().optional(),
  attributePayload: attributePayload.optional(),
});
const updateThingBody = z.object({
  thingTypeName: z.string().optional(),
  removeThingType: z.boolean().optional(),
  attributePayload: attributePayload.optional(),
  expectedVersion: z.number().int().optional(),
});
const createThingTypeBody = z.object({
  thingTypeProperties: z
    .object({ thingTypeDescription: z.string().optional(), searchableAttributes: z.array(z.string()).optional() })
    .optional(),
});

const updateEventConfigurationsBody = z.object({
  eventConfigurations: z.record(z.string(), z.object({ Enabled: z.boolean().optional() })).optional(),
});

export function createIotService(options: {
  registry: ThingRegistry;
  topicRules: TopicRuleCatalogue;
  events: EventConfigurations;
  endpointAddress: () => string;
}): AwsService {
  const { registry, topicRules, events } = options;
  const body = <T>(request: AwsRequest, schema: z.ZodType<T>): T => parseJsonBody(request.body, schema, BAD_REQUEST);
  const json = (value: unknown) => ({ json: value });

  const routes: RestRoute[] = [
    {
      method: "POST",
      path: "/things/{thingName}",
      operation: "CreateThing",
      handle: ({ thingName = "" }, request) => {
        const { thingTypeName, attributePayload } = body(request, createThingBody);
        return json(
          registry.createThing({ thingName, ...defined({ thingTypeName, attributes: attributePayload?.attributes }) }),
        );
      },
    },
    {
      method: "GET",
      path: "/things/{thingName}",
      operation: "DescribeThing",
      handle: ({ thingName = "" }) => json(registry.describeThing(thingName)),
    },
    {
      method: "GET",
      path: "/things",
      operation: "ListThings",
      handle: (_, { query }) =>
        json(
          registry.listThings(
            defined({
              attributeName: query.get("attributeName") ?? undefined,
              attributeValue: query.get("attributeValue") ?? undefined,
              usePrefixAttributeValue: booleanQuery(query, "usePrefixAttributeValue"),
              thingTypeName: query.get("thingTypeName") ?? undefined,
              maxResults: integerQuery(query, "maxResults"),
              nextToken: query.get("nextToken") ?? undefined,
            }),
          ),
        ),
    },
    {
      method: "PATCH",
      path: "/things/{thingName}",
      operation: "UpdateThing",
      handle: ({ thingName = "" }, request) =>
        json(registry.updateThing({ thingName, ...defined(body(request, updateThingBody)) })),
    },
    {
      method: "DELETE",
      path: "/things/{thingName}",
      operation: "DeleteThing",
      handle: ({ thingName = "" }, { query }) =>
        json(
          registry.deleteThing({ thingName, ...defined({ expectedVersion: integerQuery(query, "expectedVersion") }) }),
        ),
    },
    {
      method: "POST",
      path: "/thing-types/{thingTypeName}",
      operation: "CreateThingType",
      handle: ({ thingTypeName = "" }, request) =>
        json(registry.createThingType({ thingTypeName, ...defined(body(request, createThingTypeBody)) })),
    },
    {
      method: "GET",
      path: "/thing-types/{thingTypeName}",
      operation: "DescribeThingType",
      handle: ({ thingTypeName = "" }) => json(registry.describeThingType(thingTypeName)),
    },
    {
      method: "PATCH",
      path: "/event-configurations",
      operation: "UpdateEventConfigurations",
      handle: (_, request) =>
        json(events.update(body(request, updateEventConfigurationsBody).eventConfigurations ?? {})),
    },
    {
      method: "GET",
      path: "/event-configurations",
      operation: "DescribeEventConfigurations",
      handle: () => json(events.describe()),
    },
    {
      method: "GET",
      path: "/rules/{ruleName}",
      operation: "GetTopicRule",
      handle: ({ ruleName = "" }) => json(topicRules.getTopicRule(ruleName)),
    },
    {
      method: "GET",
      path: "/rules",
      operation: "ListTopicRules",
      handle: (_, { query }) =>
        json(
          topicRules.listTopicRules({
            topic: query.get("topic") ?? undefined,
            ruleDisabled: booleanQuery(query, "ruleDisabled"),
            maxResults: integerQuery(query, "maxResults"),
            nextToken: query.get("nextToken") ?? undefined,
          }),
        ),
    },
    {
      method: "GET",
      path: "/endpoint",
      operation: "DescribeEndpoint",
      handle: (_, { query }) => {
        const endpointType = query.get("endpointType") ?? "iot:Data";
        if (!ENDPOINT_TYPES.has(endpointType)) throw invalidRequest(`Invalid endpointType: ${endpointType}`);
        return json({ endpointAddress: options.endpointAddress() });
      },
    },
  ];

  return {
    name: "iot",
    contentType: "application/json",
    badRequestCode: BAD_REQUEST,
    resolve: (request) => resolveRestRoute(routes, request),
  };
}
