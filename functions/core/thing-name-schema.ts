/** An AWS IoT thing name in a step's input (apart from thing-name.ts, which the CLI loads without zod). */
import { THING_NAME_PATTERN } from "./thing-name.ts";
import * as z from "./zod.ts";

export const ThingNameSchema = z.string().check(z.regex(THING_NAME_PATTERN));
