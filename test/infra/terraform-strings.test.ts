import { describe, expect, it } from "vitest";
import { assertNoTemplateSyntax, escapeTerraformTemplate } from "../../infra/terraform-strings.ts";

describe("Terraform template syntax", () => {
  it("escapes ${ and %{ in strings that must reach AWS as written", () => {
    expect(escapeTerraformTemplate("SELECT * FROM 'a/${topic(2)}' %{x}")).toBe("SELECT * FROM 'a/$${topic(2)}' %%{x}");
    expect(escapeTerraformTemplate("$.Payload")).toBe("$.Payload");
  });

  it("accepts cdktf tokens but refuses template syntax of a document's own", () => {
    expect(() => assertNoTemplateSyntax("ASL", '{"FunctionName":"${TfToken[TOKEN.12]}"}')).not.toThrow();
    expect(() => assertNoTemplateSyntax("ASL", '{"Comment":"${oops}"}')).toThrow('ASL contains "${" or "%{"');
  });
});
