/** SDK response blobs for mocks: the SDK types them as its Uint8Array adapter, plain bytes do at run time. */
export function jsonBlob(value: unknown): never {
  return Buffer.from(JSON.stringify(value)) as never;
}
