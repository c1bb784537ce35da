/**
 * Validate step: decodes and checks the application's request from `lorawan/downlink`. A refused
 * request is a *result* (valid: false, with its code), not an error: the workflow routes it to the
 * `failed` feedback with every detail, which a thrown error's cause could not carry.
 */

import { correlationIdsWith } from "../core/downlink/application-downlink.ts";
import { DownlinkRequestError } from "../core/downlink/errors.ts";
import { executionCorrelationId, type ValidationResult } from "../core/downlink/steps.ts";
import { parseDownlinkRequest } from "../core/downlink/validation.ts";
import { RuleEventSchema, ruleEventTime } from "../core/rule-event.ts";
import * as z from "../core/zod.ts";
import { step } from "../runtime/step.ts";

export const ValidateDownlinkInputSchema = z.object({
  event: RuleEventSchema,
  executionName: z.string().check(z.minLength(1)),
});

export function createValidateDownlinkHandler() {
  return step(ValidateDownlinkInputSchema, async ({ event, executionName }): Promise<ValidationResult> => {
    const receivedAt = ruleEventTime(event);
    const ours = [executionCorrelationId(executionName)];
    try {
      const request = parseDownlinkRequest(Buffer.from(event.payload, "base64"));
      return {
        valid: true,
        request,
        failure: null,
        correlationIds: correlationIdsWith(ours, request.correlationId),
        receivedAt,
      };
    } catch (error) {
      if (!(error instanceof DownlinkRequestError)) throw error;
      const failure = error.toJSON();
      return {
        valid: false,
        request: null,
        failure,
        correlationIds: correlationIdsWith(ours, failure.correlationId),
        receivedAt,
      };
    }
  });
}

export const handler = createValidateDownlinkHandler();
