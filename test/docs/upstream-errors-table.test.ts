/** The README's upstream error table names every error an upstream execution can end with. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ConfigurationError,
  InvalidStepInputError,
  InvalidTtsMessageError,
  ThingOwnedByAnotherStackError,
  TransientAwsError,
} from "../../functions/core/errors.ts";
import { MAX_ECHOED_CHARACTERS, MAX_JSON_DEPTH } from "../../functions/core/json-payload.ts";
import { TTS_ID_MAX_LENGTH } from "../../functions/core/tts-id.ts";
import { TRANSIENT_ERRORS } from "../../workflows/lambda-task.ts";

const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
const table = readme.slice(readme.indexOf("Every upstream failure"), readme.indexOf("## Downlinks"));
const rows = table.split("\n").filter((line) => line.startsWith("| `"));

/** The errors the upstream functions throw on purpose, by the name Step Functions matches. */
const UPSTREAM_ERRORS = [
  new InvalidTtsMessageError("x"),
  new ThingOwnedByAnotherStackError("thing", "other", "ours"),
  new TransientAwsError("x"),
  new InvalidStepInputError("x"),
  new ConfigurationError("x"),
].map((error) => error.name);

describe("README upstream error table", () => {
  it.each([...UPSTREAM_ERRORS, ...TRANSIENT_ERRORS, "Sandbox.Timedout", "States.Timeout"])(
    "has a row for %s",
    (name) => {
      expect(rows.some((row) => row.split("|")[1]?.includes(`\`${name}\``))).toBe(true);
    },
  );

  it("says which transient errors are retried and which are not", () => {
    for (const row of rows) {
      const retried = row.split("|")[3]?.trim() ?? "";
      const transient = TRANSIENT_ERRORS.some((name) => row.split("|")[1]?.includes(`\`${name}\``));
      expect(retried.startsWith("yes"), row).toBe(transient);
    }
  });

  it("states InvalidTtsMessage's limits as the code has them", () => {
    const row = rows.find((line) => line.startsWith("| `InvalidTtsMessage` |")) ?? "";
    expect(row).toContain(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    expect(row).toContain(`at most ${TTS_ID_MAX_LENGTH} characters`);
    expect(row).toContain(`at most ${MAX_ECHOED_CHARACTERS} characters of a value`);
    expect(row).toContain("128 KB");
  });
});
