/** The downlink error list of the README, generated from `DOWNLINK_ERRORS` (a test keeps the README in step with it). */
import {
  DOWNLINK_ERROR_CODES,
  DOWNLINK_ERRORS,
  type DownlinkErrorInfo,
  GRPC_CODE_NAMES,
} from "../../functions/core/downlink/errors.ts";

/** The error list as a Markdown table. */
export function downlinkErrorsMarkdown(): string {
  const rows = DOWNLINK_ERROR_CODES.map((code) => {
    const info: DownlinkErrorInfo = DOWNLINK_ERRORS[code];
    const grpc = `${info.grpcCode} ${GRPC_CODE_NAMES[info.grpcCode]}`;
    return `| \`${code}\` | ${grpc} | ${info.retryable ? "yes" : "no"} | ${info.description} |`;
  });
  return ["| `error.name` | `error.code` (gRPC) | retried | meaning |", "|---|---|---|---|", ...rows].join("\n");
}
