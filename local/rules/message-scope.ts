/** What an expression can see while one message is evaluated. */
import type { Payload } from "./payload.ts";

export interface MessageScope {
  readonly topic: string;
  readonly clientId: string | undefined;
  readonly payload: Payload;
  /** Read once per message, so every timestamp() of one evaluation agrees. */
  readonly now: number;
  readonly newUuid: () => string;
}
