/**
 * Errors the upstream and downlink steps throw on purpose.
 *
 * Step Functions matches Retry/Catch on the error *name* (Lambda reports it as `errorType`),
 * and minifiers rename classes, so every class sets an explicit, stable `name`.
 */

/** The message on a TTS topic is not a TTS `ApplicationUp` we can handle. Not retryable. */
export class InvalidTtsMessageError extends Error {
  override readonly name = "InvalidTtsMessage";
  readonly issues: readonly string[];

  constructor(message: string, issues: readonly string[] = []) {
    super(issues.length > 0 ? `${message}: ${issues.join("; ")}` : message);
    this.issues = issues;
  }
}

/** A thing of that name exists but belongs to another deployment (another `stackName`). Not retryable. */
export class ThingOwnedByAnotherStackError extends Error {
  override readonly name = "ThingOwnedByAnotherStack";
  readonly thingName: string;
  readonly ownerStackName: string | undefined;

  constructor(thingName: string, ownerStackName: string | undefined, ourStackName: string) {
    super(
      `thing "${thingName}" belongs to stack "${ownerStackName ?? "(none)"}", not to "${ourStackName}"; it is left untouched`,
    );
    this.thingName = thingName;
    this.ownerStackName = ownerStackName;
  }
}

/** An AWS call failed in a way that may succeed later (throttling, 5xx, network). The workflow retries it. */
export class TransientAwsError extends Error {
  override readonly name = "TransientAwsError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The step input is not what the workflow should send: a wiring bug, not bad device data. Not retryable. */
export class InvalidStepInputError extends Error {
  override readonly name = "InvalidStepInput";
}

/** The function's environment is incomplete or wrong. Not retryable. */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
}

/** TTS could not be reached, or answered 408/429/5xx. The downlink workflow retries it with backoff. */
export class TtsUnavailableError extends Error {
  override readonly name = "TtsUnavailable";
}
