/** Stand-ins for `fetch` towards TTS. */

/** Answers in turn (the last one repeats) and records each call. */
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

export interface FakeTtsAnswer {
  readonly status?: number;
  readonly body?: unknown;
}

export interface FakeTtsFetch {
  readonly fetch: typeof fetch;
  readonly requests: { method: string; path: string; authorization: string | null }[];
}

/**
 * Answers TTS v3 HTTP API paths from a table and records each request. Paths without an answer get
 * TTS's 404 (`{"code": 5, "message": "error:…:not_found"}`).
 */
export function fakeTtsRoutes(answers: Readonly<Record<string, FakeTtsAnswer>>): FakeTtsFetch {
  const requests: FakeTtsFetch["requests"] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers);
    requests.push({ method: init?.method ?? "GET", path: url.pathname, authorization: headers.get("authorization") });
    const answer = answers[url.pathname] ?? { status: 404, body: { code: 5, message: "error:pkg/fake:not_found" } };
    return new Response(JSON.stringify(answer.body ?? {}), {
      status: answer.status ?? 200,
      headers: { "content-type": "application/json" },
    });
  }) as typeof fetch;
  return { fetch: fetchImpl, requests };
}
