/**
 * The validator of everything that runs in a Lambda: `zod/mini`, the same schemas and messages as
 * `zod` with functional checks, at a fraction of its bundle size and import time (figures in
 * bench/results.md). Unlike `zod`, `zod/mini` loads no locale: English messages are set here, once,
 * so the errors our tests and users see read the same in a bundle as in process.
 *
 * Import it as a namespace (`import * as z from ".../core/zod.ts"`): esbuild then keeps only the
 * members used. The one locale by its own path: `zod/locales` would bundle all of them (260 KiB).
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";
