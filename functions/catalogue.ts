/**
 * Every Lambda of the product, by the name workflows use for it. The cdktf stack bundles each
 * `entry` with esbuild; the local runtime imports the same `handler`s in process.
 */
export const FUNCTIONS = {
  "ensure-thing": {
    entry: "functions/ensure-thing/handler.ts",
    description: "Parses a TTS message and makes sure the device's IoT thing exists and belongs to this stack",
  },
  "update-shadow": {
    entry: "functions/update-shadow/handler.ts",
    description: "Reports the device's radio metrics and counters in its lorawan named shadow",
  },
  republish: {
    entry: "functions/republish/handler.ts",
    description: "Republishes the TTS message on lorawan/<thing>/<event>",
  },
} as const;

export type FunctionName = keyof typeof FUNCTIONS;
