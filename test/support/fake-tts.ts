/** A stand-in for `fetch` towards TTS: answers in turn (the last one repeats) and records each call. */
export interface RecordedCall {
  url: string;
  init: RequestInit;
}

export function fakeTts(...responses: (() => Response | Promise<Response>)[]) {
  const calls: RecordedCall[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return responses[Math.min(calls.length - 1, responses.length - 1)]!();
  }) as unknown as typeof fetch;
  return { calls, fetchImpl };
}
