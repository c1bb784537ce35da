/**
 * CloudWatch Logs reads on the local endpoint, through the real SDK client, against the answers the
 * CloudWatch Logs API Reference documents (FilterLogEvents, DescribeLogGroups, DescribeLogStreams,
 * GetLogEvents: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/) and the
 * "Filter pattern syntax" of the CloudWatch Logs User Guide.
 */
import {
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  InvalidParameterException,
  paginateFilterLogEvents,
  ResourceNotFoundException,
} from "@aws-sdk/client-cloudwatch-logs";
import { describe, expect, it } from "vitest";
import { ExecutionStore } from "../../../local/aws/execution-store.ts";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../../../local/aws/local-account.ts";
import { executionLogSource } from "../../../local/workflows/execution-log-records.ts";
import { useEndpointFixture } from "./endpoint-fixture.ts";

const machineArn = (name: string) => `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:${name}`;
const UPSTREAM = "local-upstream";
const DOWNLINK = "local-downlink";
const GROUP = `/aws/vendedlogs/states/${UPSTREAM}`;
const T0 = Date.parse("2026-01-02T03:04:00.000Z");

const ctx = useEndpointFixture((dataDir) => {
  const executionStore = new ExecutionStore({ dataDir });
  const machines = [UPSTREAM, DOWNLINK].map((name) => ({
    name,
    stateMachineArn: machineArn(name),
    creationDate: new Date(T0 - 60_000),
  }));
  return {
    executionStore,
    logs: executionLogSource({
      store: executionStore,
      stateMachines: () => machines,
      logging: { level: "ALL", includeExecutionData: true },
    }),
  };
});

/** An execution of `machine` started at T0 + `offset` ms: succeeded (4 events) or failed (4 events). */
function execution(machine: string, name: string, offset: number, outcome: "ok" | "fail"): string {
  const store = ctx.f.endpoint.executionStore;
  const executionArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:express:${machine}:${name}:id-${name}`;
  const at = (ms: number) => new Date(T0 + offset + ms);
  store.started({ executionArn, stateMachineArn: machineArn(machine), name, input: "{}", startDate: at(0) });
  store.appendEvent(executionArn, {
    type: "TaskStateEntered",
    details: { name: "EnsureThing", input: "{}" },
    timestamp: at(1),
  });
  if (outcome === "ok") {
    store.appendEvent(executionArn, {
      type: "TaskStateExited",
      details: { name: "EnsureThing", output: "{}" },
      timestamp: at(2),
    });
    store.finished(executionArn, { status: "SUCCEEDED", output: "{}" }, at(3));
  } else {
    store.appendEvent(executionArn, {
      type: "TaskFailed",
      details: { resourceType: "lambda", resource: "invoke", error: "InvalidTtsMessage", cause: "garbage" },
      timestamp: at(2),
    });
    store.finished(executionArn, { status: "FAILED", error: "InvalidTtsMessage", cause: "garbage" }, at(3));
  }
  return executionArn;
}

const types = (events: { message?: string | undefined }[] | undefined) =>
  (events ?? []).map((event) => (JSON.parse(event.message!) as { type: string }).type);

describe("FilterLogEvents", () => {
  it("finds failed executions with a JSON filter pattern", async () => {
    execution(UPSTREAM, "a", 0, "ok");
    const failed = execution(UPSTREAM, "b", 10, "fail");
    execution(DOWNLINK, "c", 20, "fail");
    const found = await ctx.f.logs.send(
      new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '{ $.type = "ExecutionFailed" }' }),
    );
    expect(found.events).toHaveLength(1);
    expect(found.events?.[0]).toMatchObject({
      logStreamName: "states/local-upstream/2026-01-02-03-04/00000000",
      timestamp: T0 + 13,
      ingestionTime: T0 + 13,
      eventId: expect.stringMatching(/^\d+$/),
    });
    expect(JSON.parse(found.events![0]!.message!)).toEqual({
      id: "4",
      type: "ExecutionFailed",
      details: { cause: "garbage", error: "InvalidTtsMessage" },
      previous_event_id: "3",
      event_timestamp: String(T0 + 13),
      execution_arn: failed,
      redrive_count: "0",
    });
    expect(found.nextToken).toBeUndefined();
  });

  it("reads one execution's history, oldest first, by its ARN", async () => {
    execution(UPSTREAM, "a", 0, "ok");
    const failed = execution(UPSTREAM, "b", 10, "fail");
    const history = await ctx.f.logs.send(
      new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: `{ $.execution_arn = "${failed}" }` }),
    );
    expect(types(history.events)).toEqual(["ExecutionStarted", "TaskStateEntered", "TaskFailed", "ExecutionFailed"]);
  });

  it("matches errors with wildcards, && and ||, and plain terms", async () => {
    execution(UPSTREAM, "a", 0, "ok");
    execution(UPSTREAM, "b", 10, "fail");
    const send = (filterPattern: string) =>
      ctx.f.logs
        .send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern }))
        .then((out) => types(out.events));
    expect(await send('{ $.details.error = "Invalid*" }')).toEqual(["TaskFailed", "ExecutionFailed"]);
    expect(await send('{ $.type = "TaskFailed" && $.details.error = "InvalidTts*" }')).toEqual(["TaskFailed"]);
    expect(await send('{ $.type = "ExecutionSucceeded" || $.type = "ExecutionFailed" }')).toEqual([
      "ExecutionSucceeded",
      "ExecutionFailed",
    ]);
    expect(await send("InvalidTtsMessage -TaskFailed")).toEqual(["ExecutionFailed"]);
  });

  it("keeps to the time range (startTime and endTime inclusive) and the streams asked", async () => {
    execution(UPSTREAM, "a", 0, "ok");
    execution(UPSTREAM, "b", 60_000, "ok");
    const inRange = await ctx.f.logs.send(
      new FilterLogEventsCommand({ logGroupName: GROUP, startTime: T0 + 1, endTime: T0 + 60_000 }),
    );
    expect(inRange.events?.map((event) => event.timestamp)).toEqual([T0 + 1, T0 + 2, T0 + 3, T0 + 60_000]);
    const secondMinute = await ctx.f.logs.send(
      new FilterLogEventsCommand({
        logGroupName: GROUP,
        logStreamNames: ["states/local-upstream/2026-01-02-03-05/00000000"],
      }),
    );
    expect(secondMinute.events).toHaveLength(4);
    const byPrefix = await ctx.f.logs.send(
      new FilterLogEventsCommand({
        logGroupName: GROUP,
        logStreamNamePrefix: "states/local-upstream/2026-01-02-03-04",
      }),
    );
    expect(byPrefix.events).toHaveLength(4);
  });

  it("pages with limit and nextToken", async () => {
    for (let index = 0; index < 5; index++) execution(UPSTREAM, `e${index}`, index * 10, "ok");
    const pages = [];
    for await (const page of paginateFilterLogEvents({ client: ctx.f.logs }, { logGroupName: GROUP, limit: 7 })) {
      pages.push(page.events?.length);
    }
    expect(pages).toEqual([7, 7, 6]);
  });

  it("answers at most 1 MB of events per call, the rest behind nextToken", async () => {
    // FilterLogEvents: "returns as many log events as can fit in 1 MB (up to 10,000 log events)".
    const store = ctx.f.endpoint.executionStore;
    const input = JSON.stringify({ blob: "x".repeat(300_000) });
    for (const name of ["big-1", "big-2", "big-3"]) {
      const executionArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:express:${UPSTREAM}:${name}:1`;
      store.started({ executionArn, stateMachineArn: machineArn(UPSTREAM), name, input, startDate: new Date(T0) });
      store.appendEvent(executionArn, {
        type: "PassStateEntered",
        details: { name: "P", input },
        timestamp: new Date(T0),
      });
    }
    const sizes: number[] = [];
    let total = 0;
    for await (const page of paginateFilterLogEvents({ client: ctx.f.logs }, { logGroupName: GROUP })) {
      sizes.push(page.events!.reduce((bytes, event) => bytes + Buffer.byteLength(event.message!) + 26, 0));
      total += page.events!.length;
    }
    expect(total).toBe(6);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1024 * 1024);
  });

  it("accepts the group's name or ARN as logGroupIdentifier", async () => {
    execution(UPSTREAM, "a", 0, "ok");
    const arn = `arn:aws:logs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:log-group:${GROUP}`;
    for (const logGroupIdentifier of [GROUP, arn]) {
      const found = await ctx.f.logs.send(new FilterLogEventsCommand({ logGroupIdentifier }));
      expect(found.events).toHaveLength(4);
    }
  });

  it("answers AWS's errors: ResourceNotFoundException, InvalidParameterException", async () => {
    const missing = ctx.f.logs.send(new FilterLogEventsCommand({ logGroupName: "/aws/vendedlogs/states/nope" }));
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(missing).rejects.toThrow("The specified log group does not exist.");
    for (const request of [
      { logGroupName: GROUP, filterPattern: '{ $.type = "ExecutionFailed"' },
      { logGroupName: GROUP, filterPattern: "[ip, user]" },
      { logGroupName: GROUP, logGroupIdentifier: GROUP },
      { logGroupName: GROUP, logStreamNames: ["a"], logStreamNamePrefix: "a" },
      { logGroupName: GROUP, nextToken: "forged" },
      { logGroupName: GROUP, limit: 0 },
      {},
    ]) {
      await expect(
        ctx.f.logs.send(new FilterLogEventsCommand(request)),
        JSON.stringify(request),
      ).rejects.toBeInstanceOf(InvalidParameterException);
    }
  });
});

describe("DescribeLogGroups and DescribeLogStreams", () => {
  it("lists the workflows' log groups by prefix, sorted by name", async () => {
    const all = await ctx.f.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/aws/vendedlogs/states/" }));
    expect(all.logGroups?.map((group) => group.logGroupName)).toEqual([
      "/aws/vendedlogs/states/local-downlink",
      "/aws/vendedlogs/states/local-upstream",
    ]);
    expect(all.logGroups?.[1]).toMatchObject({
      creationTime: T0 - 60_000,
      arn: `arn:aws:logs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:log-group:${GROUP}:*`,
      logGroupArn: `arn:aws:logs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:log-group:${GROUP}`,
    });
    const none = await ctx.f.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/aws/lambda/" }));
    expect(none.logGroups).toEqual([]);
  });

  it("lists a group's streams with their first and last event, newest first on request", async () => {
    execution(UPSTREAM, "a", 0, "ok");
    execution(UPSTREAM, "b", 60_000, "ok");
    const streams = await ctx.f.logs.send(
      new DescribeLogStreamsCommand({ logGroupName: GROUP, orderBy: "LastEventTime", descending: true }),
    );
    expect(
      streams.logStreams?.map((stream) => [
        stream.logStreamName,
        stream.firstEventTimestamp,
        stream.lastEventTimestamp,
      ]),
    ).toEqual([
      ["states/local-upstream/2026-01-02-03-05/00000000", T0 + 60_000, T0 + 60_003],
      ["states/local-upstream/2026-01-02-03-04/00000000", T0, T0 + 3],
    ]);
    await expect(
      ctx.f.logs.send(
        new DescribeLogStreamsCommand({ logGroupName: GROUP, orderBy: "LastEventTime", logStreamNamePrefix: "s" }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(ctx.f.logs.send(new DescribeLogStreamsCommand({ logGroupName: "/nope" }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});

describe("GetLogEvents", () => {
  it("reads a stream from the head, forwards with nextForwardToken until it repeats", async () => {
    execution(UPSTREAM, "a", 0, "ok");
    execution(UPSTREAM, "b", 10, "fail");
    const logStreamName = "states/local-upstream/2026-01-02-03-04/00000000";
    const first = await ctx.f.logs.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName, startFromHead: true, limit: 5 }),
    );
    expect(types(first.events)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskStateExited",
      "ExecutionSucceeded",
      "ExecutionStarted",
    ]);
    const rest = await ctx.f.logs.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName, nextToken: first.nextForwardToken, limit: 5 }),
    );
    expect(rest.events).toHaveLength(3);
    const end = await ctx.f.logs.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName, nextToken: rest.nextForwardToken, limit: 5 }),
    );
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(rest.nextForwardToken);
  });

  it("reads the tail of a stream without startFromHead, backwards with nextBackwardToken", async () => {
    execution(UPSTREAM, "a", 0, "ok");
    execution(UPSTREAM, "b", 10, "fail");
    const logStreamName = "states/local-upstream/2026-01-02-03-04/00000000";
    const tail = await ctx.f.logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName, limit: 3 }));
    expect(types(tail.events)).toEqual(["TaskStateEntered", "TaskFailed", "ExecutionFailed"]);
    const before = await ctx.f.logs.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName, limit: 3, nextToken: tail.nextBackwardToken }),
    );
    expect(types(before.events)).toEqual(["TaskStateExited", "ExecutionSucceeded", "ExecutionStarted"]);
  });
});
