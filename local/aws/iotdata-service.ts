/** The IoT data plane (REST-JSON, signing name `iotdata`): shadows and Publish. */

import { payloadProblem, publishTopicProblem } from "../../functions/core/aws-limits.ts";
import type { AwsRequest, AwsService } from "./aws-request.ts";
import { AwsError, invalidRequest } from "./errors.ts";
import { paginate } from "./pagination.ts";
import type { PublishFn } from "./publish.ts";
import { booleanQuery, integerQuery } from "./query-params.ts";
import { type RestRoute, resolveRestRoute } from "./rest-routes.ts";
import type { ShadowService } from "./shadow-service.ts";

const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;

export function createIotDataService(options: { shadows: ShadowService; publish: PublishFn }): AwsService {
  const { shadows } = options;
  const shadowName = ({ query }: AwsRequest): string | undefined => query.get("name") ?? undefined;
  const payload = (document: unknown) => ({ raw: Buffer.from(JSON.stringify(document)) });

  const routes: RestRoute[] = [
    {
      method: "POST",
      path: "/things/{thingName}/shadow",
      operation: "UpdateThingShadow",
      handle: async ({ thingName = "" }, request) =>
        payload(await shadows.update(thingName, shadowName(request), request.body)),
    },
    {
      method: "GET",
      path: "/things/{thingName}/shadow",
      operation: "GetThingShadow",
      handle: ({ thingName = "" }, request) => payload(shadows.get(thingName, shadowName(request))),
    },
    {
      method: "DELETE",
      path: "/things/{thingName}/shadow",
      operation: "DeleteThingShadow",
      handle: async ({ thingName = "" }, request) => payload(await shadows.delete(thingName, shadowName(request))),
    },
    {
      method: "GET",
      path: "/api/things/shadow/ListNamedShadowsForThing/{thingName}",
      operation: "ListNamedShadowsForThing",
      handle: ({ thingName = "" }, { query }) => {
        const pageSize = integerQuery(query, "pageSize") ?? DEFAULT_PAGE_SIZE;
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE)
          throw invalidRequest(`pageSize must be between 1 and ${MAX_PAGE_SIZE}`);
        const page = paginate(shadows.namedShadows(thingName), pageSize, query.get("nextToken") ?? undefined);
        return {
          json: {
            results: page.items,
            ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }),
            timestamp: Math.floor(Date.now() / 1000),
          },
        };
      },
    },
    {
      method: "POST",
      path: "/topics/{topic}",
      operation: "Publish",
      handle: async ({ topic = "" }, request) => {
        const qos = integerQuery(request.query, "qos") ?? 0;
        if (qos !== 0 && qos !== 1) throw invalidRequest(`qos must be 0 or 1, got ${qos}`);
        assertPublishTopic(topic);
        const tooLarge = payloadProblem(request.body.length);
        if (tooLarge !== undefined) throw new AwsError("RequestEntityTooLargeException", tooLarge, 413);
        await options.publish(topic, request.body, { qos, retain: booleanQuery(request.query, "retain") ?? false });
        return {};
      },
    },
  ];

  return {
    name: "iotdata",
    contentType: "application/json",
    badRequestCode: "InvalidRequestException",
    resolve: (request) => resolveRestRoute(routes, request),
  };
}

/** AWS's rules for a publish topic (the same module the broker and the functions check). */
export function assertPublishTopic(topic: string): void {
  const problem = publishTopicProblem(topic);
  if (problem !== undefined)
    throw invalidRequest(`Cannot publish to ${JSON.stringify(topic.slice(0, 80))}: ${problem}`);
}
