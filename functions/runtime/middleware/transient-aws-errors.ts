import type { MiddlewareObj } from "@middy/core";
import { TransientAwsError } from "../../core/errors.ts";
import { isTransientAwsError } from "../transient-errors.ts";

/**
 * Renames retryable AWS failures to `TransientAwsError`, the one name the workflows' Retry lists;
 * every other error keeps its own name and is caught by the workflow as final.
 */
export function transientAwsErrors(): MiddlewareObj {
  return {
    name: "transientAwsErrors",
    onError: (request) => {
      const error = request.error;
      if (error && !(error instanceof TransientAwsError) && isTransientAwsError(error)) {
        request.error = new TransientAwsError(`${error.name}: ${error.message}`, { cause: error });
      }
    },
  };
}
