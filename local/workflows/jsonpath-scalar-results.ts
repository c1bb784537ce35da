/**
 * Makes jsonpath-plus's scalar results cheap, with the same results.
 *
 * aws-local-stepfunctions evaluates every `.$` parameter and every InputPath/OutputPath/ResultSelector
 * path with `JSONPath({ path, json, wrap: false })`. Called without `new`, jsonpath-plus (10.4.0) runs
 * its constructor, which signals a scalar result by throwing a `NewError` that the function form catches
 * and unwraps. Building that error captures a stack trace: about three quarters of the call's time
 * (measured), several % of the runtime's CPU per uplink. The error never leaves the library.
 *
 * The capture is turned off for that one error only: `evaluate` returning a scalar is what makes the
 * constructor throw next, synchronously, so `Error.stackTraceLimit` is set to 0 there and put back as
 * soon as the `NewError` is built (its constructor's first assignment, `this.avoidNew = true`, goes
 * through a setter defined here), or at the next microtask if `evaluate` was called some other way.
 * Hand-written: jsonpath-plus has no option for it, and aws-local-stepfunctions passes its own options.
 *
 * Upstream (JSONPath-Plus/JSONPath, src/jsonpath.js): `JSONPath()` called as a function does
 * `try { return new JSONPath(...) } catch (e) { if (!e.avoidNew) throw e; return e.value; }`, and the
 * constructor `throw new NewError(ret)` when `evaluate` gives a non-object — exceptions as control
 * flow on the success path. No upstream issue names it (searched the tracker: #86, #98 and #111 are about
 * what `wrap: false` returns, not its cost); the fix to propose there is to return the value from the
 * function form without the throw (e.g. an internal `evaluate` call instead of `new`). Drop this patch
 * when a release does that: `test/local/workflows/jsonpath-scalar-results.test.ts` pins the results.
 */
import { JSONPath } from "jsonpath-plus";

interface JsonPathInternals {
  evaluate: (this: unknown, ...args: unknown[]) => unknown;
}

const PATCHED = Symbol.for("tts-aws-iot.jsonpathScalarResults");

/** The class of the error jsonpath-plus throws for a scalar result (not exported): caught once, with `new`. */
function newErrorClass(): { prototype: object } | undefined {
  try {
    new (JSONPath as unknown as new (options: object) => unknown)({ path: "$.a", json: { a: 1 }, wrap: false });
  } catch (error) {
    if ((error as { avoidNew?: boolean }).avoidNew === true) return (error as object).constructor as never;
  }
  return undefined;
}

function patch(): void {
  const prototype = JSONPath.prototype as unknown as JsonPathInternals & { [PATCHED]?: true };
  if (prototype[PATCHED]) return;
  const NewError = newErrorClass();
  // Another version of the library: leave it as it is (slower, same results).
  if (NewError === undefined || Object.hasOwn(NewError.prototype, "avoidNew")) return;
  prototype[PATCHED] = true;

  let savedLimit: number | undefined;
  const restore = () => {
    if (savedLimit === undefined) return;
    Error.stackTraceLimit = savedLimit;
    savedLimit = undefined;
  };
  Object.defineProperty(NewError.prototype, "avoidNew", {
    configurable: true,
    get: () => undefined,
    set(this: object, value: unknown) {
      restore();
      Object.defineProperty(this, "avoidNew", { value, writable: true, enumerable: true, configurable: true });
    },
  });
  const evaluate = prototype.evaluate;
  prototype.evaluate = function (this: unknown, ...args: unknown[]) {
    const result = evaluate.apply(this, args);
    if ((result === null || typeof result !== "object") && savedLimit === undefined) {
      savedLimit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      queueMicrotask(restore);
    }
    return result;
  };
}

patch();
