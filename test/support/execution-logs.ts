/** Moved to `local/harness/` so that the benchmarks read executions the same way. */
export { type ExecutionLogRecord, executionLogRecords } from "../../local/harness/execution-logs.ts";
