/**
 * A body's bytes, whole: every chunk of a stream (or any async iterable of bytes or text), joined.
 * Settles in every case a stream can end in: already ended (no bytes), failed or cut off (rejects).
 */
export async function readAll(body: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
