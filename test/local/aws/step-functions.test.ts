import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidExecutionInput,
  InvalidName,
  InvalidToken,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StateMachineTypeNotSupported,
} from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { ExecutionStore } from "../../../local/aws/execution-store.ts";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "../../../local/aws/local-account.ts";
import type { StepFunctionsBackend } from "../../../local/aws/step-functions-backend.ts";
import { makeDataDir, removeDataDir, startFixture, useEndpointFixture } from "./endpoint-fixture.ts";

const MACHINE = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:upstream`;
/** The product's workflows are Express: their executions are not readable through Step Functions. */
const EXPRESS_MACHINE = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:express-upstream`;
const CREATED = new Date("2025-01-01T00:00:00Z");

class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * Runs a one-task "workflow" synchronously on a Standard and an Express state machine: input
 * `{ "fail": true }` makes it fail.
 */
function fakeBackend(store: ExecutionStore): StepFunctionsBackend {
  let counter = 0;
  return {
    listStateMachines: () => [
      { name: "upstream", stateMachineArn: MACHINE, type: "STANDARD", creationDate: CREATED },
      { name: "express-upstream", stateMachineArn: EXPRESS_MACHINE, type: "EXPRESS", creationDate: CREATED },
    ],
    startExecution: async ({ stateMachineArn, name, input }) => {
      if (stateMachineArn !== MACHINE && stateMachineArn !== EXPRESS_MACHINE)
        throw new NamedError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${stateMachineArn}'`);
      const executionName = name ?? `run-${++counter}`;
      const executionArn =
        stateMachineArn === MACHINE
          ? `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:execution:upstream:${executionName}`
          : `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:express:express-upstream:${executionName}:${counter}`;
      const startDate = new Date(CREATED.getTime() + counter * 1000 + (name ? 500 : 0));
      store.started({ executionArn, stateMachineArn, name: executionName, input, startDate });
      store.appendEvent(executionArn, { type: "TaskStateEntered", details: { name: "EnsureThing", input } });
      if ((JSON.parse(input) as { fail?: boolean }).fail) {
        store.finished(executionArn, {
          status: "FAILED",
          error: "ThingOwnedByAnotherStack",
          cause: "owned by staging",
        });
      } else {
        store.appendEvent(executionArn, {
          type: "TaskStateExited",
          details: { name: "EnsureThing", output: '{"created":true}' },
        });
        store.finished(executionArn, { status: "SUCCEEDED", output: '{"created":true}' });
      }
      return { executionArn, startDate };
    },
  };
}

const ctx = useEndpointFixture((dataDir) => {
  const executionStore = new ExecutionStore({ dataDir });
  return { executionStore, stepFunctions: fakeBackend(executionStore) };
});

function start(input: unknown, name?: string) {
  return ctx.f.sfn.send(
    new StartExecutionCommand({ stateMachineArn: MACHINE, input: JSON.stringify(input), ...(name ? { name } : {}) }),
  );
}

describe("Step Functions", () => {
  it("lists the backend's state machines", async () => {
    const listed = await ctx.f.sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines).toEqual([
      { name: "upstream", stateMachineArn: MACHINE, type: "STANDARD", creationDate: CREATED },
      { name: "express-upstream", stateMachineArn: EXPRESS_MACHINE, type: "EXPRESS", creationDate: CREATED },
    ]);
  });

  it("starts an execution and describes it from the store", async () => {
    const started = await start({ devEui: "01" }, "first");
    expect(started.executionArn).toBe(`arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:execution:upstream:first`);
    expect(started.startDate).toBeInstanceOf(Date);

    const execution = await ctx.f.sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(execution).toMatchObject({
      executionArn: started.executionArn,
      stateMachineArn: MACHINE,
      name: "first",
      status: "SUCCEEDED",
      input: '{"devEui":"01"}',
      output: '{"created":true}',
      startDate: started.startDate,
    });
    expect(execution.stopDate).toBeInstanceOf(Date);
  });

  it("describes failures with error and cause", async () => {
    const started = await start({ fail: true });
    const execution = await ctx.f.sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(execution).toMatchObject({ status: "FAILED", error: "ThingOwnedByAnotherStack", cause: "owned by staging" });
    expect(execution.output).toBeUndefined();
  });

  it("returns the history in GetExecutionHistory's shape, forwards, backwards and paged", async () => {
    const { executionArn } = await start({ devEui: "01" });
    const history = await ctx.f.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(history.events?.map((event) => [event.id, event.previousEventId, event.type])).toEqual([
      [1, 0, "ExecutionStarted"],
      [2, 1, "TaskStateEntered"],
      [3, 2, "TaskStateExited"],
      [4, 3, "ExecutionSucceeded"],
    ]);
    expect(history.events?.[0]?.executionStartedEventDetails?.input).toBe('{"devEui":"01"}');
    expect(history.events?.[1]?.stateEnteredEventDetails).toEqual({ name: "EnsureThing", input: '{"devEui":"01"}' });
    expect(history.events?.[2]?.stateExitedEventDetails?.output).toBe('{"created":true}');
    expect(history.events?.[3]?.executionSucceededEventDetails?.output).toBe('{"created":true}');
    expect(history.events?.[0]?.timestamp).toBeInstanceOf(Date);

    const reversed = await ctx.f.sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 3 }),
    );
    expect(reversed.events?.map((event) => event.id)).toEqual([4, 3, 2]);
    const rest = await ctx.f.sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        reverseOrder: true,
        maxResults: 3,
        nextToken: reversed.nextToken,
      }),
    );
    expect(rest.events?.map((event) => event.id)).toEqual([1]);
  });

  it("shows ExecutionFailed details in the history", async () => {
    const { executionArn } = await start({ fail: true });
    const history = await ctx.f.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(history.events?.at(-1)?.executionFailedEventDetails).toEqual({
      error: "ThingOwnedByAnotherStack",
      cause: "owned by staging",
    });
  });

  it("lists executions newest first, filtered by status, paged", async () => {
    const first = await start({});
    const failed = await start({ fail: true });
    const third = await start({});

    const all = await ctx.f.sfn.send(new ListExecutionsCommand({ stateMachineArn: MACHINE }));
    expect(all.executions?.map((execution) => execution.executionArn)).toEqual([
      third.executionArn,
      failed.executionArn,
      first.executionArn,
    ]);
    expect(all.executions?.[0]).toMatchObject({
      stateMachineArn: MACHINE,
      status: "SUCCEEDED",
      startDate: third.startDate,
    });

    const failures = await ctx.f.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: MACHINE, statusFilter: "FAILED" }),
    );
    expect(failures.executions?.map((execution) => execution.executionArn)).toEqual([failed.executionArn]);

    const page = await ctx.f.sfn.send(new ListExecutionsCommand({ stateMachineArn: MACHINE, maxResults: 2 }));
    expect(page.executions).toHaveLength(2);
    const next = await ctx.f.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: MACHINE, maxResults: 2, nextToken: page.nextToken }),
    );
    expect(next.executions?.map((execution) => execution.executionArn)).toEqual([first.executionArn]);
    await expect(
      ctx.f.sfn.send(new ListExecutionsCommand({ stateMachineArn: MACHINE, nextToken: "forged" })),
    ).rejects.toBeInstanceOf(InvalidToken);
  });

  it("maps errors to the SDK's exception classes", async () => {
    const unknownArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:execution:upstream:nope`;
    await expect(ctx.f.sfn.send(new DescribeExecutionCommand({ executionArn: unknownArn }))).rejects.toBeInstanceOf(
      ExecutionDoesNotExist,
    );
    await expect(ctx.f.sfn.send(new GetExecutionHistoryCommand({ executionArn: unknownArn }))).rejects.toBeInstanceOf(
      ExecutionDoesNotExist,
    );
    await expect(
      ctx.f.sfn.send(new StartExecutionCommand({ stateMachineArn: `${MACHINE}-other`, input: "{}" })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(
      ctx.f.sfn.send(new ListExecutionsCommand({ stateMachineArn: `${MACHINE}-other` })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(
      ctx.f.sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE, input: "{oops" })),
    ).rejects.toBeInstanceOf(InvalidExecutionInput);
    await expect(start({}, "has space")).rejects.toBeInstanceOf(InvalidName);
    await start({}, "same");
    await expect(start({}, "same")).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  describe("Express state machines, as on AWS", () => {
    const startExpress = (input: unknown) =>
      ctx.f.sfn.send(new StartExecutionCommand({ stateMachineArn: EXPRESS_MACHINE, input: JSON.stringify(input) }));

    it("answers ListExecutions with StateMachineTypeNotSupported", async () => {
      // AWS Step Functions API Reference, ListExecutions: "This API action is not supported by EXPRESS
      // state machines"; its errors: StateMachineTypeNotSupported (HTTP 400).
      await startExpress({});
      const listing = ctx.f.sfn.send(new ListExecutionsCommand({ stateMachineArn: EXPRESS_MACHINE }));
      await expect(listing).rejects.toBeInstanceOf(StateMachineTypeNotSupported);
      await expect(listing).rejects.toMatchObject({
        message: "This operation is not supported by this type of state machine",
        $metadata: { httpStatusCode: 400 },
      });
    });

    it("refuses an Express execution ARN in DescribeExecution and GetExecutionHistory with InvalidArn", async () => {
      // AWS Step Functions API Reference, DescribeExecution: "Executions of an EXPRESS state machine
      // aren't supported by DescribeExecution"; GetExecutionHistory: "not supported by EXPRESS state
      // machines". AWS rejects the ARN's resource type, even for an execution that ran.
      const { executionArn } = await startExpress({});
      expect(executionArn).toMatch(/^arn:aws:states:[^:]+:\d{12}:express:express-upstream:[^:]+:[^:]+$/);
      const message = "Invalid Arn: 'Resource type not valid in this context: express'";
      await expect(ctx.f.sfn.send(new DescribeExecutionCommand({ executionArn }))).rejects.toThrow(
        expect.objectContaining({ name: InvalidArn.name, message }),
      );
      await expect(ctx.f.sfn.send(new GetExecutionHistoryCommand({ executionArn }))).rejects.toThrow(
        expect.objectContaining({ name: InvalidArn.name, message }),
      );
    });

    it("leaves Express executions out of a listing without a state machine", async () => {
      const standard = await start({});
      await startExpress({});
      const all = await ctx.f.sfn.send(new ListExecutionsCommand({}));
      expect(all.executions?.map((execution) => execution.executionArn)).toEqual([standard.executionArn]);
    });
  });

  it("answers StartExecution with StateMachineDoesNotExist when no backend is wired", async () => {
    const otherDir = await makeDataDir();
    const bare = await startFixture(otherDir);
    try {
      await expect(
        bare.sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE, input: "{}" })),
      ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
      expect((await bare.sfn.send(new ListStateMachinesCommand({}))).stateMachines).toEqual([]);
    } finally {
      await bare.close();
      await removeDataDir(otherDir);
    }
  });
});
