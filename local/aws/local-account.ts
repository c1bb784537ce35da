/**
 * The AWS account the local twin stands in for: the region and account id in every ARN it makes
 * (things, thing types, secrets, functions, state machines, executions) and the settings of the SDK
 * clients aimed at it. Not a real account: the endpoint never checks either.
 */
export const LOCAL_REGION = "us-east-1";

export const LOCAL_ACCOUNT_ID = "000000000000";

/** The local endpoint accepts any credentials; the SDK insists on having some. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;
