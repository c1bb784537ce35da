/**
 * One execution at a time per application `correlationId` and thing: a claim kept in the thing's
 * `downlink-claims` named shadow, taken and released with the shadow's optimistic versioning (an
 * update carrying `version` fails with ConflictException when another landed in between). Two
 * deliveries of the same request at the same moment both look into TTS's queue before either pushes;
 * the claim lets only one of them go on. Claims expire after `CLAIM_TTL_SECONDS` (no Express
 * execution lives longer), so one whose execution died without releasing it blocks nobody for long.
 *
 * Written by hand: no library does optimistic locking on IoT shadows; the shadow is the one store
 * with compare-and-set that the product already uses, on AWS and in the local twin alike.
 */
import {
  ConflictException,
  GetThingShadowCommand,
  type GetThingShadowCommandOutput,
  type IoTDataPlaneClient,
  ResourceNotFoundException,
  UpdateThingShadowCommand,
} from "@aws-sdk/client-iot-data-plane";
import { CLAIM_TTL_SECONDS, CLAIMS_SHADOW } from "../core/downlink/claims.ts";
import { TransientAwsError } from "../core/errors.ts";

const MAX_TRIES = 5;

export interface ClaimInput {
  readonly thingName: string;
  readonly correlationId: string;
  /** Who claims: the execution's name. */
  readonly executionName: string;
}

export interface ClaimDeps {
  readonly iotData: IoTDataPlaneClient;
  readonly nowSeconds?: () => number;
}

interface Claim {
  readonly by: string;
  readonly at: number;
}

export interface ClaimResult {
  readonly claimed: boolean;
  /** The execution holding it, when another one does. */
  readonly heldBy: string | null;
}

export async function claimCorrelationId(input: ClaimInput, deps: ClaimDeps): Promise<ClaimResult> {
  const now = (deps.nowSeconds ?? (() => Math.floor(Date.now() / 1000)))();
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const shadow = await readClaims(input.thingName, deps.iotData);
    if (shadow === undefined) {
      // A versioned update needs a shadow: create it (two creators just merge the same field).
      await writeClaims(input.thingName, { purpose: "claims of downlink correlationIds" }, undefined, deps.iotData);
      continue;
    }
    const held = shadow.claims[input.correlationId];
    if (held !== undefined && held.by !== input.executionName && now - held.at < CLAIM_TTL_SECONDS) {
      return { claimed: false, heldBy: held.by };
    }
    const expired = Object.entries(shadow.claims)
      .filter(([id, claim]) => id !== input.correlationId && now - claim.at >= CLAIM_TTL_SECONDS)
      .map(([id]) => [id, null] as const);
    const claims = { ...Object.fromEntries(expired), [input.correlationId]: { by: input.executionName, at: now } };
    if (await writeClaims(input.thingName, { claims }, shadow.version, deps.iotData)) {
      return { claimed: true, heldBy: null };
    }
  }
  throw new TransientAwsError(`the ${CLAIMS_SHADOW} shadow of ${input.thingName} kept changing: ${MAX_TRIES} tries`);
}

/** Gives the claim up, if this execution holds it; a claim of another execution is left alone. */
export async function releaseCorrelationId(input: ClaimInput, deps: ClaimDeps): Promise<{ released: boolean }> {
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const shadow = await readClaims(input.thingName, deps.iotData);
    if (shadow?.claims[input.correlationId]?.by !== input.executionName) return { released: false };
    const released = await writeClaims(
      input.thingName,
      { claims: { [input.correlationId]: null } },
      shadow.version,
      deps.iotData,
    );
    if (released) return { released: true };
  }
  throw new TransientAwsError(`the ${CLAIMS_SHADOW} shadow of ${input.thingName} kept changing: ${MAX_TRIES} tries`);
}

async function readClaims(
  thingName: string,
  iotData: IoTDataPlaneClient,
): Promise<{ version: number; claims: Record<string, Claim> } | undefined> {
  let response: GetThingShadowCommandOutput;
  try {
    response = await iotData.send(new GetThingShadowCommand({ thingName, shadowName: CLAIMS_SHADOW }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
  const document = JSON.parse(new TextDecoder().decode(response.payload)) as {
    version?: number;
    state?: { reported?: { claims?: Record<string, Claim> } };
  };
  return { version: document.version ?? 0, claims: document.state?.reported?.claims ?? {} };
}

/** @returns false when `version` is given and another update landed first. */
async function writeClaims(
  thingName: string,
  reported: Record<string, unknown>,
  version: number | undefined,
  iotData: IoTDataPlaneClient,
): Promise<boolean> {
  const document = { state: { reported }, ...(version !== undefined ? { version } : {}) };
  try {
    await iotData.send(
      new UpdateThingShadowCommand({
        thingName,
        shadowName: CLAIMS_SHADOW,
        payload: new TextEncoder().encode(JSON.stringify(document)),
      }),
    );
    return true;
  } catch (error) {
    if (version !== undefined && error instanceof ConflictException) return false;
    throw error;
  }
}
