/** The downlink error list of the README, generated from `DOWNLINK_ERRORS` (a test keeps the README in step with it). */
import {
  DOWNLINK_ERROR_CODES,
  DOWNLINK_ERRORS,
  type DownlinkErrorInfo,
  GRPC_CODES,
  type GrpcCode,
  type GrpcCodeName,
} from "../../functions/core/downlink/errors.ts";

/** `GRPC_CODES` reversed: 3 → `INVALID_ARGUMENT`. */
export const GRPC_CODE_NAMES = Object.fromEntries(
  Object.entries(GRPC_CODES).map(([name, code]) => [code, name]),
) as Record<GrpcCode, GrpcCodeName>;

/** The error list as a Markdown table. */
export function downlinkErrorsMarkdown(): string {
  const rows = DOWNLINK_ERROR_CODES.map((code) => {
    const info: DownlinkErrorInfo = DOWNLINK_ERRORS[code];
    const grpc = `${info.grpcCode} ${GRPC_CODE_NAMES[info.grpcCode]}`;
    return `| \`${code}\` | ${grpc} | ${info.retryable ? "yes" : "no"} | ${info.description} |`;
  });
  return ["| `error.name` | `error.code` (gRPC) | retried | meaning |", "|---|---|---|---|", ...rows].join("\n");
}
