/** The claims that let one execution at a time go on with an application `correlationId` (see `functions/downlink-claim/`). */

/** The thing's named shadow that holds them: `state.reported.claims["<correlationId>"] = {by, at}`. */
export const CLAIMS_SHADOW = "downlink-claims";

/** The Express workflow limit: no execution can still hold a claim this old. */
export const CLAIM_TTL_SECONDS = 300;
