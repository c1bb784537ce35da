/**
 * Errors the endpoint turns into AWS error responses. `code` is the AWS error name the SDK maps to
 * its exception class (`ResourceNotFoundException`, `ExecutionDoesNotExist`, …).
 */
export class AwsError extends Error {
  override readonly name = "AwsError";
  readonly code: string;
  readonly status: number;
  /**
   * The code a service that moved from the Query protocol to JSON (SQS) still gives, in `x-amzn-query-error`:
   * the SDKs and the AWS CLI report it (`AWS.SimpleQueueService.NonExistentQueue` for `QueueDoesNotExist`).
   */
  readonly queryErrorCode: string | undefined;

  constructor(code: string, message: string, status = 400, queryErrorCode?: string) {
    super(message);
    this.code = code;
    this.status = status;
    this.queryErrorCode = queryErrorCode;
  }

  /** Whose fault, as the Query protocol and `x-amzn-query-error` say it: 4xx are the caller's. */
  get fault(): "Sender" | "Receiver" {
    return this.status < 500 ? "Sender" : "Receiver";
  }
}

export const notFound = (message: string): AwsError => new AwsError("ResourceNotFoundException", message, 404);
export const invalidRequest = (message: string): AwsError => new AwsError("InvalidRequestException", message, 400);

/**
 * A state file exists but cannot be read back (not JSON, the wrong shape, too large): refusing to start
 * beats silently starting empty. The message names the file and the way out (README: "Damaged data dir").
 */
export class CorruptStateFileError extends Error {
  override readonly name = "CorruptStateFileError";
  readonly file: string;

  constructor(file: string, reason: string) {
    super(
      `State file ${file} cannot be read (${reason}). Stop the runtime and move the file aside ` +
        `(mv '${file}' '${file}.damaged') to start without what it held, or restore it from a backup`,
    );
    this.file = file;
  }
}
