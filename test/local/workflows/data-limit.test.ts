/**
 * Step Functions' payload limit on the local runner, against AWS's documented behaviour:
 * - AWS Step Functions Developer Guide, "Step Functions service quotas" (quotas related to task
 *   executions): "Maximum input or output size for a task, state, or execution: 256 KiB of data as a
 *   UTF-8 encoded string", which "affects tasks (activity, Lambda function, or integrated service),
 *   state or execution output, and input data when scheduling a task, entering a state, or starting an
 *   execution";
 * - "Handling errors in Step Functions workflows", error names: States.DataLimitExceeded is "a terminal
 *   error that can't be caught by the States.ALL error type", reported when "the output of a connector
 *   is larger than payload size quota", "the output of a state is larger than payload size quota", or
 *   "after Parameters processing, the input of a state is larger than the payload size quota";
 * - StartExecution API reference: `input` has "Length Constraints: Maximum length of 262144", in bytes
 *   of UTF-8 ("Length constraints apply to the payload size, and are expressed as bytes in UTF-8
 *   encoding"); a broken constraint answers ValidationException.
 */
import { StateMachine } from "aws-local-stepfunctions";
import { describe, expect, it } from "vitest";
import { payloadBytes } from "../../../functions/core/step-functions-limits.ts";
import { assertExecutionInputWithinLimit, runWithinDataLimits } from "../../../local/workflows/data-limit.ts";
import type { StateMachineDefinition } from "../../../workflows/asl.ts";
import { LAMBDA_INVOKE } from "../../../workflows/lambda-task.ts";

const LIMIT = 262_144;
const FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:f";
const CATCH_ALL = [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Recovered" }];
const RETRY_ALL = [{ ErrorEquals: ["States.ALL"], MaxAttempts: 3, IntervalSeconds: 1 }];
const RECOVERED = { Type: "Pass", Result: "recovered", End: true } as const;

/** Synthetic definitions, valid by construction: no time spent validating them. */
const machineOf = (definition: StateMachineDefinition) =>
  new StateMachine(definition as never, { validationOptions: { noValidate: true } });

/** A JSON string value whose JSON text is exactly `bytes` long. */
const stringOfBytes = (bytes: number) => "x".repeat(bytes - 2);

async function run(definition: StateMachineDefinition, input: unknown, task?: (input: unknown) => unknown) {
  let calls = 0;
  const handler = async (parameters: unknown) => {
    calls += 1;
    return task?.(parameters) ?? {};
  };
  const { execution, size } = runWithinDataLimits(machineOf(definition), definition, input, {
    overrides: {
      taskResourceLocalHandlers: { Work: handler, Branch: handler } as never,
      retryIntervalOverrides: { Work: 0 },
    },
  });
  const entered: string[] = [];
  const recording = (async () => {
    for await (const event of execution.eventLogs) if (event.type === "StateEntered") entered.push(event.state.name);
  })();
  try {
    return { output: await execution.result, size, entered, calls: () => calls };
  } catch (failure) {
    return { error: (failure as { cause: Error }).cause, size, entered, calls: () => calls };
  } finally {
    await recording;
  }
}

/** A Task that returns what `task` gives, caught and retried on States.ALL. */
const guardedTask: StateMachineDefinition = {
  StartAt: "Work",
  States: {
    Work: {
      Type: "Task",
      Resource: LAMBDA_INVOKE,
      Parameters: { FunctionName: FUNCTION, "Payload.$": "$" },
      Retry: RETRY_ALL,
      Catch: CATCH_ALL,
      End: true,
    },
    Recovered: RECOVERED,
  },
};

describe("payload limit inside an execution", () => {
  it("fails a task result over 262,144 bytes with States.DataLimitExceeded: no Retry or Catch on States.ALL takes it", async () => {
    const result = await run(guardedTask, {}, () => ({ big: stringOfBytes(LIMIT) }));

    expect(result.error?.name).toBe("States.DataLimitExceeded");
    expect(result.error?.message).toBe(
      "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit.",
    );
    expect(result.calls()).toBe(1);
    expect(result.entered).not.toContain("Recovered");
  });

  it("takes a task result of exactly 262,144 bytes", async () => {
    const result = await run(guardedTask, {}, () => stringOfBytes(LIMIT));
    expect(result.error).toBeUndefined();
    expect(payloadBytes(result.output)).toBe(LIMIT);
    expect(result.size.maxStateBytes).toBe(LIMIT);
  });

  it("fails a task whose parameters pass the limit before calling it", async () => {
    const result = await run(guardedTask, { data: stringOfBytes(LIMIT - 40) });
    expect(result.error?.name).toBe("States.DataLimitExceeded");
    expect(result.error?.message).toMatch(/^The state\/task 'Work' has an input with a size exceeding/);
    expect(result.calls()).toBe(0);
    expect(result.entered).toEqual(["Work"]);
  });

  it("fails a state whose output passes the limit, counting UTF-8 bytes, not characters", async () => {
    // 70,000 "é" are 140,000 bytes: the input fits, the state's output (two copies) does not.
    const doubling: StateMachineDefinition = {
      StartAt: "Double",
      States: { Double: { Type: "Pass", Parameters: { "a.$": "$.text", "b.$": "$.text" }, End: true } },
    };
    const result = await run(doubling, { text: "é".repeat(70_000) });
    expect(result.error?.name).toBe("States.DataLimitExceeded");
    expect(result.error?.message).toBe(
      "The state/task 'Double' returned a result with a size exceeding the maximum number of bytes service limit.",
    );
    expect(result.size.maxStateBytes).toBeGreaterThan(LIMIT);
  });

  it("fails the execution from inside a Parallel branch, past the Parallel state's Catch on States.ALL", async () => {
    const parallel: StateMachineDefinition = {
      StartAt: "Both",
      States: {
        Both: {
          Type: "Parallel",
          Branches: [
            {
              StartAt: "Branch",
              States: {
                Branch: {
                  Type: "Task",
                  Resource: LAMBDA_INVOKE,
                  Parameters: { FunctionName: FUNCTION, "Payload.$": "$" },
                  End: true,
                },
              },
            },
          ],
          Catch: CATCH_ALL,
          End: true,
        },
        Recovered: RECOVERED,
      },
    };
    const result = await run(parallel, {}, () => stringOfBytes(LIMIT + 1));
    expect(result.error?.name).toBe("States.DataLimitExceeded");
    expect(result.entered).not.toContain("Recovered");
  });

  it("leaves other errors to Retry and Catch as before", async () => {
    const result = await run(guardedTask, {}, () => {
      throw Object.assign(new Error("boom"), { name: "Custom" });
    });
    expect(result.output).toBe("recovered");
    expect(result.calls()).toBe(4);
  });

  it("measures what level ALL logs: execution input and output, each state's input and output, task parameters and results", async () => {
    const input = { text: "abc" };
    const pass: StateMachineDefinition = { StartAt: "Only", States: { Only: { Type: "Pass", End: true } } };
    const result = await run(pass, input);
    // ExecutionStarted, PassStateEntered, PassStateExited, ExecutionSucceeded: four copies.
    expect(result.size.loggedBytes).toBe(4 * payloadBytes(input));
    expect(result.size.maxStateBytes).toBe(payloadBytes(input));
  });

  it("leaves a plain StateMachine run (no meter) unchecked, as the library runs it", async () => {
    const doubling: StateMachineDefinition = {
      StartAt: "Double",
      States: { Double: { Type: "Pass", Parameters: { "a.$": "$.text", "b.$": "$.text" }, End: true } },
    };
    const output = await machineOf(doubling).run({ text: "x".repeat(LIMIT) } as never).result;
    expect(payloadBytes(output)).toBeGreaterThan(2 * LIMIT);
  });
});

describe("StartExecution input", () => {
  it("takes 262,144 bytes of UTF-8 JSON", () => {
    expect(() => assertExecutionInputWithinLimit(stringOfBytes(LIMIT))).not.toThrow();
  });

  it("refuses one byte more with ValidationException, as AWS answers a broken length constraint", () => {
    expect(() => assertExecutionInputWithinLimit({ text: "é".repeat(LIMIT / 2) })).toThrow(
      expect.objectContaining({
        name: "ValidationException",
        message:
          "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144",
      }),
    );
  });
});
