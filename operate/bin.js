#!/usr/bin/env node
// The installed `tts-aws-iot` command (package.json `bin`). It runs the TypeScript sources
// (operate/main.ts) with Node's built-in type stripping, which needs Node 22.18 or newer (on by
// default since 22.18 and 23.6) and which Node refuses for files under node_modules. This file is
// plain JavaScript so that an older Node can still read it and say so, instead of a syntax error.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const strips = major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
const here = realpathSync(fileURLToPath(import.meta.url));

if (!strips) {
  process.stderr.write(
    `tts-aws-iot: needs Node.js 22.18 or newer (it runs its TypeScript sources with Node's type stripping); this is Node ${process.versions.node}.\n` +
      "Install Node 22 (e.g. nvm install 22), or run it from the project's checkout with npx tts-aws-iot, which uses the project's own Node.\n",
  );
  process.exit(1);
}
if (here.split(/[\\/]/).includes("node_modules")) {
  process.stderr.write(
    `tts-aws-iot: installed under node_modules (${here}), where Node does not strip TypeScript types.\n` +
      "Run it from a checkout (npx tts-aws-iot), or install the checkout as a link: npm install --global <path to the checkout>.\n",
  );
  process.exit(1);
}
await import("./main.ts");
