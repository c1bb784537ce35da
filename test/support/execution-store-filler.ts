/**
 * A child process for the compaction fault test: records large executions in the execution store of
 * `argv[2]` as fast as it can, so that the journal is compacted again and again, and prints
 * `durable <n>` once the first n executions are on disk. The test kills it with SIGKILL mid-compaction.
 */
import { ExecutionStore } from "../../local/aws/execution-store.ts";

const [dataDir, maxExecutions = "30"] = process.argv.slice(2);
if (dataDir === undefined) throw new Error("usage: execution-store-filler.ts <data dir> [max executions]");

const store = new ExecutionStore({ dataDir, maxExecutions: Number(maxExecutions), writeDelayMs: 5 });
const output = JSON.stringify({ payload: "x".repeat(200_000) });
const stateMachineArn = "arn:aws:states:eu-west-1:000000000000:stateMachine:filler";
// Bounded: the test kills it long before. Recording goes on while a compaction is written, as in the runtime.
for (let i = 0; i < 5_000; i++) {
  const executionArn = `arn:aws:states:eu-west-1:000000000000:express:filler:e${i}:id`;
  store.started({ executionArn, stateMachineArn, name: `e${i}`, input: `{"i":${i}}` });
  store.finished(executionArn, { status: "SUCCEEDED", output });
  if (i % 5 === 4) {
    const recorded = i + 1;
    void store.flush().then(() => process.stdout.write(`durable ${recorded}\n`));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
await store.flush();
process.exitCode = 3;
