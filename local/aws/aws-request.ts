/** What a service sees of an HTTP request, and what it answers. */
import type { IncomingHttpHeaders } from "node:http";

export interface AwsRequest {
  readonly method: string;
  /** Path segments, percent-decoded (`/topics/a%2Fb` → `["topics", "a/b"]`). */
  readonly segments: readonly string[];
  readonly rawPath: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface AwsResponse {
  readonly status?: number;
  /** Serialized as JSON, unless `raw` is given. */
  readonly json?: unknown;
  readonly raw?: Buffer;
  /** Of `raw`; default `application/json`. */
  readonly contentType?: string;
}

/** One operation, resolved but not yet run, so it can be counted even when it fails. */
export interface ResolvedOperation {
  readonly name: string;
  run(): AwsResponse | Promise<AwsResponse>;
}

export interface AwsService {
  /** Signing name, as in the `Authorization` credential scope. */
  readonly name: string;
  readonly contentType: string;
  /** Error code for unreadable requests: what this AWS service answers to them. */
  readonly badRequestCode: string;
  resolve(request: AwsRequest): ResolvedOperation | undefined;
}
