/**
 * CloudWatch Logs reads (JSON 1.1, `X-Amz-Target: Logs_20140328.<Operation>`): FilterLogEvents,
 * DescribeLogGroups, DescribeLogStreams, GetLogEvents — what `aws logs …` needs to inspect the
 * workflows' execution logs. Requests and errors as the CloudWatch Logs API Reference documents them.
 */
import { z } from "zod";
import type { AwsService } from "../aws-request.ts";
import { AwsError } from "../errors.ts";
import { type JsonOperation, resolveJsonTarget } from "../json-rpc.ts";
import { LOCAL_ACCOUNT_ID } from "../local-account.ts";
import { paginate } from "../pagination.ts";
import { defined } from "../query-params.ts";
import { parseJsonBody } from "../request-body.ts";
import { compileFilterPattern, InvalidFilterPatternError } from "./filter-pattern.ts";
import type { LogEvent, LogGroup, LogSource } from "./log-source.ts";

const BAD_REQUEST = "InvalidParameterException";
const TARGET_PREFIX = "Logs_20140328";
/**
 * FilterLogEvents and GetLogEvents return "as many log events as can fit in 1 MB (up to 10,000 log
 * events)"; an event counts its UTF-8 message plus 26 bytes, as CloudWatch Logs sizes events.
 */
const RESPONSE_BUDGET = { sizeOf: (event: LogEvent) => Buffer.byteLength(event.message) + 26, maxSize: 1024 * 1024 };

const groupReference = {
  logGroupName: z.string().min(1).max(512).optional(),
  logGroupIdentifier: z.string().min(1).max(2048).optional(),
};
const time = z.number().int().min(0).optional();
const filterLogEvents = z.object({
  ...groupReference,
  logStreamNames: z.array(z.string().min(1).max(512)).min(1).max(100).optional(),
  logStreamNamePrefix: z.string().min(1).max(512).optional(),
  startTime: time,
  endTime: time,
  filterPattern: z.string().max(1024).optional(),
  nextToken: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
  interleaved: z.boolean().optional(),
  unmask: z.boolean().optional(),
});
const describeLogGroups = z.object({
  logGroupNamePrefix: z.string().min(1).max(512).optional(),
  logGroupNamePattern: z.string().max(512).optional(),
  nextToken: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(50).optional(),
});
const describeLogStreams = z.object({
  ...groupReference,
  logStreamNamePrefix: z.string().min(1).max(512).optional(),
  orderBy: z.enum(["LogStreamName", "LastEventTime"]).optional(),
  descending: z.boolean().optional(),
  nextToken: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(50).optional(),
});
const getLogEvents = z.object({
  ...groupReference,
  logStreamName: z.string().min(1).max(512),
  startTime: time,
  endTime: time,
  nextToken: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
  startFromHead: z.boolean().optional(),
  unmask: z.boolean().optional(),
});

export function createLogsService(options: { source: LogSource; region: string }): AwsService {
  const { source, region } = options;
  const arnOf = (logGroupName: string) => `arn:aws:logs:${region}:${LOCAL_ACCOUNT_ID}:log-group:${logGroupName}`;
  const group = (reference: { logGroupName?: string | undefined; logGroupIdentifier?: string | undefined }) =>
    findGroup(source, reference, arnOf);

  const operations = new Map<string, JsonOperation>([
    [
      "FilterLogEvents",
      (body) => {
        const request = parseJsonBody(body, filterLogEvents, BAD_REQUEST);
        if (request.logStreamNames !== undefined && request.logStreamNamePrefix !== undefined) {
          throw invalidParameter("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
        }
        const matches = compile(request.filterPattern);
        const streams = request.logStreamNames === undefined ? undefined : new Set(request.logStreamNames);
        const { startTime, endTime, logStreamNamePrefix: prefix } = request;
        const events = group(request)
          .events()
          .filter(
            (event) =>
              (startTime === undefined || event.timestamp >= startTime) &&
              (endTime === undefined || event.timestamp <= endTime) &&
              (streams === undefined || streams.has(event.logStreamName)) &&
              (prefix === undefined || event.logStreamName.startsWith(prefix)) &&
              matches(event.message),
          );
        const page = paginate(events, request.limit ?? 10_000, request.nextToken, BAD_REQUEST, RESPONSE_BUDGET);
        // A LogEvent is FilterLogEvents' FilteredLogEvent, member for member.
        return { events: page.items, ...defined({ nextToken: page.nextToken }) };
      },
    ],
    [
      "DescribeLogGroups",
      (body) => {
        const request = parseJsonBody(body, describeLogGroups, BAD_REQUEST);
        if (request.logGroupNamePattern !== undefined && request.logGroupNamePrefix !== undefined) {
          throw invalidParameter("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
        }
        const { logGroupNamePrefix: prefix, logGroupNamePattern: pattern } = request;
        const groups = [...source.groups()]
          .filter((candidate) => prefix === undefined || candidate.logGroupName.startsWith(prefix))
          .filter((candidate) => pattern === undefined || candidate.logGroupName.includes(pattern))
          .sort((a, b) => byCodePoint(a.logGroupName, b.logGroupName));
        const page = paginate(groups, request.limit ?? 50, request.nextToken, BAD_REQUEST);
        return {
          logGroups: page.items.map((found) => ({
            logGroupName: found.logGroupName,
            creationTime: found.creationTime,
            ...defined({ retentionInDays: found.retentionInDays }),
            metricFilterCount: 0,
            arn: `${arnOf(found.logGroupName)}:*`,
            logGroupArn: arnOf(found.logGroupName),
            storedBytes: 0,
            logGroupClass: "STANDARD",
          })),
          ...defined({ nextToken: page.nextToken }),
        };
      },
    ],
    [
      "DescribeLogStreams",
      (body) => {
        const request = parseJsonBody(body, describeLogStreams, BAD_REQUEST);
        const byTime = request.orderBy === "LastEventTime";
        if (byTime && request.logStreamNamePrefix !== undefined) {
          throw invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
        }
        const found = group(request);
        const prefix = request.logStreamNamePrefix;
        const streams = logStreams(found.events()).filter(
          (stream) => prefix === undefined || stream.logStreamName.startsWith(prefix),
        );
        streams.sort((a, b) =>
          byTime ? a.lastEventTimestamp - b.lastEventTimestamp : byCodePoint(a.logStreamName, b.logStreamName),
        );
        if (request.descending === true) streams.reverse();
        const page = paginate(streams, request.limit ?? 50, request.nextToken, BAD_REQUEST);
        return {
          logStreams: page.items.map((stream) => ({
            ...stream,
            arn: `${arnOf(found.logGroupName)}:log-stream:${stream.logStreamName}`,
            storedBytes: 0,
          })),
          ...defined({ nextToken: page.nextToken }),
        };
      },
    ],
    [
      "GetLogEvents",
      (body) => {
        const request = parseJsonBody(body, getLogEvents, BAD_REQUEST);
        const { startTime, endTime } = request;
        const events = group(request)
          .events()
          .filter(
            (event) =>
              event.logStreamName === request.logStreamName &&
              (startTime === undefined || event.timestamp >= startTime) &&
              (endTime === undefined || event.timestamp < endTime),
          );
        return streamPage(events, request.limit ?? 10_000, request.nextToken, request.startFromHead === true);
      },
    ],
  ]);

  return {
    name: "logs",
    contentType: "application/x-amz-json-1.1",
    badRequestCode: BAD_REQUEST,
    resolve: (request) => resolveJsonTarget(TARGET_PREFIX, operations, request),
  };
}

/** Names sort in ASCII order, as CloudWatch Logs lists them, not in the locale's. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function invalidParameter(message: string): AwsError {
  return new AwsError(BAD_REQUEST, message);
}

function compile(pattern: string | undefined): (message: string) => boolean {
  try {
    return compileFilterPattern(pattern);
  } catch (error) {
    if (error instanceof InvalidFilterPatternError) throw invalidParameter(error.message);
    throw error;
  }
}

/** `logGroupIdentifier` is a name or an ARN (without the trailing `:*`); one of the two is required. */
function findGroup(
  source: LogSource,
  reference: { logGroupName?: string | undefined; logGroupIdentifier?: string | undefined },
  arnOf: (name: string) => string,
): LogGroup {
  const { logGroupName, logGroupIdentifier } = reference;
  if (logGroupName !== undefined && logGroupIdentifier !== undefined) {
    throw invalidParameter("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  }
  if (logGroupName === undefined && logGroupIdentifier === undefined) {
    throw invalidParameter("Either logGroupName or logGroupIdentifier should be provided.");
  }
  const found = source
    .groups()
    .find(
      (candidate) =>
        candidate.logGroupName === logGroupName ||
        candidate.logGroupName === logGroupIdentifier ||
        arnOf(candidate.logGroupName) === logGroupIdentifier,
    );
  if (found === undefined) throw new AwsError("ResourceNotFoundException", "The specified log group does not exist.");
  return found;
}

interface StreamSummary {
  logStreamName: string;
  creationTime: number;
  firstEventTimestamp: number;
  lastEventTimestamp: number;
  lastIngestionTime: number;
}

function logStreams(events: readonly LogEvent[]): StreamSummary[] {
  const streams = new Map<string, StreamSummary>();
  for (const event of events) {
    const stream = streams.get(event.logStreamName);
    if (stream === undefined) {
      streams.set(event.logStreamName, {
        logStreamName: event.logStreamName,
        creationTime: event.ingestionTime,
        firstEventTimestamp: event.timestamp,
        lastEventTimestamp: event.timestamp,
        lastIngestionTime: event.ingestionTime,
      });
    } else {
      stream.firstEventTimestamp = Math.min(stream.firstEventTimestamp, event.timestamp);
      stream.lastEventTimestamp = Math.max(stream.lastEventTimestamp, event.timestamp);
      stream.creationTime = Math.min(stream.creationTime, event.ingestionTime);
      stream.lastIngestionTime = Math.max(stream.lastIngestionTime, event.ingestionTime);
    }
  }
  return [...streams.values()];
}

/**
 * GetLogEvents pages a stream forwards (`f/<offset>`) or backwards (`b/<offset>`); without a token it
 * starts at the head with `startFromHead`, otherwise at the tail. At either end the token it returns is
 * the one it was given, which is how the CLI knows to stop.
 */
function streamPage(events: readonly LogEvent[], limit: number, token: string | undefined, fromHead: boolean) {
  const match = token === undefined ? null : /^([fb])\/(\d+)$/.exec(token);
  if (token !== undefined && match === null) throw invalidParameter(`The specified nextToken is invalid: ${token}`);
  const forwards = match === null ? fromHead : match[1] === "f";
  const from = match === null ? (fromHead ? 0 : events.length) : Math.min(Number(match[2]), events.length);
  let [start, end] = [from, from];
  let size = 0;
  while (end - start < limit && (forwards ? end < events.length : start > 0)) {
    const next = forwards ? events[end] : events[start - 1];
    size += RESPONSE_BUDGET.sizeOf(next as LogEvent);
    if (size > RESPONSE_BUDGET.maxSize && end > start) break;
    if (forwards) end++;
    else start--;
  }
  return {
    events: events.slice(start, end).map((event) => ({
      timestamp: event.timestamp,
      message: event.message,
      ingestionTime: event.ingestionTime,
    })),
    nextForwardToken: `f/${end}`,
    nextBackwardToken: `b/${start}`,
  };
}
