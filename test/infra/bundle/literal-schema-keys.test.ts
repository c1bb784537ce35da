/** The bundle plugin's rewrite of the SDK's generated schemas: computed keys of string constants become literals. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withLiteralKeys } from "../../../infra/bundle/literal-schema-keys.ts";

describe("withLiteralKeys", () => {
  it("writes each [_x]: whose _x is a string constant of the file as that string, and nothing else", () => {
    const source = [
      'const _e = "error";',
      'const _hE = "httpError";',
      "let _v = compute();",
      "export var A$ = [-3, n0, _A, { [_e]: _c, [_hE]: 409 }, [_m], [0]];",
      "export var B$ = [3, n0, _B, { [_v]: 1, [other]: 2 }];",
    ].join("\n");
    expect(withLiteralKeys(source).split("\n").slice(3)).toEqual([
      'export var A$ = [-3, n0, _A, { "error": _c, "httpError": 409 }, [_m], [0]];',
      "export var B$ = [3, n0, _B, { [_v]: 1, [other]: 2 }];",
    ]);
  });

  it("leaves no computed key of a constant in the IoT client's real schemas", () => {
    const require = createRequire(import.meta.url);
    const entry = require.resolve("@aws-sdk/client-iot");
    const schemas = join(entry, "../../dist-es/schemas/schemas_0.js");
    const rewritten = withLiteralKeys(readFileSync(schemas, "utf8"));
    expect(rewritten).not.toMatch(/\[_\w+\]:/);
    expect(rewritten).toContain('{ "http": ["GET", "/things/{thingName}", 200] }');
  });
});
