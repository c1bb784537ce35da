/**
 * Terraform reads `${…}` and `%{…}` in any string as its own template syntax. Strings that come from
 * the workflow catalogue (rule SQL, descriptions) are escaped (`$${`, `%%{`) so IoT sees them as
 * written; JSON documents that carry our own Terraform references are checked instead.
 */
export function escapeTerraformTemplate(text: string): string {
  // Replacer functions: in a replacement string, `$$` would itself mean one `$`.
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** cdktf's unresolved string tokens, which synth turns into `${…}` references. */
const CDKTF_TOKEN = /\$\{TfToken\[[^\]]+\]\}/g;

/** Throws when `text` has template syntax of its own besides cdktf tokens. */
export function assertNoTemplateSyntax(what: string, text: string): void {
  const literal = text.replace(CDKTF_TOKEN, "");
  if (literal.includes("${") || literal.includes("%{")) {
    throw new Error(`${what} contains "\${" or "%{", which Terraform would read as a template; avoid it`);
  }
}
