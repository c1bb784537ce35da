/**
 * Step Functions (JSON 1.0, `X-Amz-Target: AWSStepFunctions.<Operation>`). StartExecution and
 * ListStateMachines go to the backend; executions are read from the execution store.
 * As on AWS, Express executions are not readable here (their history is in CloudWatch Logs):
 * ListExecutions on an Express state machine and DescribeExecution / GetExecutionHistory on an
 * Express execution ARN answer AWS's errors; only Standard executions are listed and described.
 */
import { z } from "zod";
import type { AwsService } from "./aws-request.ts";
import { AwsError } from "./errors.ts";
import type { ExecutionRecord, ExecutionStore } from "./execution-store.ts";
import { toWireEvent } from "./history-events.ts";
import { type JsonOperation, resolveJsonTarget } from "./json-rpc.ts";
import { paginate } from "./pagination.ts";
import { defined } from "./query-params.ts";
import { parseJsonBody } from "./request-body.ts";
import { STEP_FUNCTIONS_ERROR_NAMES, type StepFunctionsBackend } from "./step-functions-backend.ts";

const BAD_REQUEST = "ValidationException";
const INVALID_TOKEN = "InvalidToken";
const DEFAULT_PAGE_SIZE = 100;
/** AWS's rule: no whitespace, brackets, wildcards, special or control characters. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: AWS refuses control characters in names; this is how we find them.
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

const pageSize = z.number().int().min(0).max(1000).optional();
const status = z.enum(["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"]);
const listStateMachines = z.object({ maxResults: pageSize, nextToken: z.string().optional() });
const startExecution = z.object({
  stateMachineArn: z.string(),
  name: z.string().optional(),
  input: z.string().optional(),
});
const listExecutions = z.object({
  stateMachineArn: z.string().optional(),
  statusFilter: status.optional(),
  maxResults: pageSize,
  nextToken: z.string().optional(),
});
const describeExecution = z.object({ executionArn: z.string() });
const getExecutionHistory = z.object({
  executionArn: z.string(),
  maxResults: pageSize,
  reverseOrder: z.boolean().optional(),
  nextToken: z.string().optional(),
});

export function createStepFunctionsService(options: {
  backend?: StepFunctionsBackend;
  store: ExecutionStore;
}): AwsService {
  const { backend, store } = options;
  const execution = (executionArn: string): ExecutionRecord => {
    assertNotExpress(executionArn);
    const found = store.get(executionArn);
    if (found === undefined) throw new AwsError("ExecutionDoesNotExist", `Execution Does Not Exist: '${executionArn}'`);
    return found;
  };

  const operations = new Map<string, JsonOperation>([
    [
      "ListStateMachines",
      (body) => {
        const request = parseJsonBody(body, listStateMachines, BAD_REQUEST);
        const machines = (backend?.listStateMachines() ?? []).map((machine) => ({
          ...machine,
          creationDate: seconds(machine.creationDate),
        }));
        const page = paginate(machines, request.maxResults || DEFAULT_PAGE_SIZE, request.nextToken, INVALID_TOKEN);
        return { stateMachines: page.items, ...defined({ nextToken: page.nextToken }) };
      },
    ],
    [
      "StartExecution",
      async (body) => {
        const request = parseJsonBody(body, startExecution, BAD_REQUEST);
        if (request.name !== undefined && !EXECUTION_NAME.test(request.name)) {
          throw new AwsError("InvalidName", `Invalid Name: '${request.name}'`);
        }
        const input = request.input ?? "{}";
        assertJson(input);
        if (backend === undefined) throw stateMachineDoesNotExist(request.stateMachineArn);
        const started = await asAwsError(() => backend.startExecution({ ...request, input }));
        return { executionArn: started.executionArn, startDate: seconds(started.startDate) };
      },
    ],
    [
      "ListExecutions",
      (body) => {
        const request = parseJsonBody(body, listExecutions, BAD_REQUEST);
        const { stateMachineArn } = request;
        if (stateMachineArn !== undefined && backend !== undefined) {
          const machine = backend.listStateMachines().find((known) => known.stateMachineArn === stateMachineArn);
          if (machine === undefined) throw stateMachineDoesNotExist(stateMachineArn);
          if (machine.type === "EXPRESS") throw stateMachineTypeNotSupported();
        }
        const statusFilter = request.statusFilter === "PENDING_REDRIVE" ? undefined : request.statusFilter;
        const matching = store
          .list(defined({ stateMachineArn, statusFilter }))
          .filter((listed) => !isExpressExecution(listed.executionArn));
        const page = paginate(matching, request.maxResults || DEFAULT_PAGE_SIZE, request.nextToken, INVALID_TOKEN);
        return { executions: page.items.map(listItem), ...defined({ nextToken: page.nextToken }) };
      },
    ],
    [
      "DescribeExecution",
      (body) => describe(execution(parseJsonBody(body, describeExecution, BAD_REQUEST).executionArn)),
    ],
    [
      "GetExecutionHistory",
      (body) => {
        const request = parseJsonBody(body, getExecutionHistory, BAD_REQUEST);
        const events = execution(request.executionArn).events.map(toWireEvent);
        if (request.reverseOrder === true) events.reverse();
        const page = paginate(events, request.maxResults || DEFAULT_PAGE_SIZE, request.nextToken, INVALID_TOKEN);
        return { events: page.items, ...defined({ nextToken: page.nextToken }) };
      },
    ],
  ]);

  return {
    name: "states",
    contentType: "application/x-amz-json-1.0",
    badRequestCode: BAD_REQUEST,
    resolve: (request) => resolveJsonTarget("AWSStepFunctions", operations, request),
  };
}

function listItem(execution: ExecutionRecord) {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: seconds(execution.startDate),
    ...defined({ stopDate: execution.stopDate === undefined ? undefined : seconds(execution.stopDate) }),
  };
}

function describe(execution: ExecutionRecord) {
  return {
    ...listItem(execution),
    input: execution.input,
    inputDetails: { included: true },
    ...defined({ output: execution.output, error: execution.error, cause: execution.cause }),
    ...(execution.output === undefined ? {} : { outputDetails: { included: true } }),
  };
}

/** A backend error named like a Step Functions error becomes that error; anything else is a 500. */
async function asAwsError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Error && !(error instanceof AwsError) && STEP_FUNCTIONS_ERROR_NAMES.has(error.name)) {
      throw new AwsError(error.name, error.message);
    }
    throw error;
  }
}

/** `arn:aws:states:<region>:<account>:express:<stateMachine>:<name>:<id>` */
function isExpressExecution(executionArn: string): boolean {
  return executionArn.split(":")[5] === "express";
}

/**
 * AWS Step Functions API Reference, DescribeExecution ("Executions of an EXPRESS state machine aren't
 * supported by DescribeExecution") and GetExecutionHistory ("not supported by EXPRESS state
 * machines"): AWS refuses the Express ARN's resource type with InvalidArn (the message is the one AWS
 * gives for a resource type out of place, as for a state machine ARN).
 */
function assertNotExpress(executionArn: string): void {
  if (isExpressExecution(executionArn)) {
    throw new AwsError("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: express'");
  }
}

/**
 * AWS Step Functions API Reference, ListExecutions: "This API action is not supported by EXPRESS state
 * machines", error StateMachineTypeNotSupported (400). The reference gives no message text; this is AWS's
 * as reported by users and other emulators.
 */
function stateMachineTypeNotSupported(): AwsError {
  return new AwsError("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine");
}

function stateMachineDoesNotExist(stateMachineArn: string): AwsError {
  return new AwsError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${stateMachineArn}'`);
}

function assertJson(input: string): void {
  try {
    JSON.parse(input);
  } catch {
    throw new AwsError("InvalidExecutionInput", "Invalid State Machine Execution Input: must be JSON text");
  }
}

function seconds(date: Date): number {
  return date.getTime() / 1000;
}
