/**
 * The account's IoT event configurations (UpdateEventConfigurations / DescribeEventConfigurations,
 * AWS IoT API Reference), kept on disk: which registry events the account publishes. Every type is
 * off until enabled, as on AWS ("These events, however, are not available by default": AWS IoT
 * Core Developer Guide, "Registry events").
 */
import { join } from "node:path";
import { z } from "zod";
import { invalidRequest } from "./errors.ts";
import { CoalescedJsonWriter, readJsonFileSync } from "./json-file.ts";

/** The valid keys of `eventConfigurations` (UpdateEventConfigurations, Request Body). */
export const EVENT_TYPES = [
  "THING",
  "THING_GROUP",
  "THING_TYPE",
  "THING_GROUP_MEMBERSHIP",
  "THING_GROUP_HIERARCHY",
  "THING_TYPE_ASSOCIATION",
  "JOB",
  "JOB_EXECUTION",
  "POLICY",
  "CERTIFICATE",
  "CA_CERTIFICATE",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const Stored = z.object({
  enabled: z.array(z.enum(EVENT_TYPES)),
  /** Epoch seconds. */
  creationDate: z.number(),
  lastModifiedDate: z.number(),
});

export class EventConfigurations {
  #enabled: Set<EventType>;
  #creationDate: number;
  #lastModifiedDate: number;
  readonly #writer: CoalescedJsonWriter;

  constructor(options: { dataDir: string }) {
    const file = join(options.dataDir, "event-configurations.json");
    const stored = readJsonFileSync(file, Stored);
    const now = Math.floor(Date.now() / 1000);
    this.#enabled = new Set(stored?.enabled ?? []);
    this.#creationDate = stored?.creationDate ?? now;
    this.#lastModifiedDate = stored?.lastModifiedDate ?? now;
    this.#writer = new CoalescedJsonWriter({
      file,
      snapshot: (): z.infer<typeof Stored> => ({
        enabled: [...this.#enabled],
        creationDate: this.#creationDate,
        lastModifiedDate: this.#lastModifiedDate,
      }),
    });
  }

  isEnabled(type: EventType): boolean {
    return this.#enabled.has(type);
  }

  /** Every event type with its state, as DescribeEventConfigurations answers. */
  describe() {
    return {
      eventConfigurations: Object.fromEntries(EVENT_TYPES.map((type) => [type, { Enabled: this.#enabled.has(type) }])),
      creationDate: this.#creationDate,
      lastModifiedDate: this.#lastModifiedDate,
    };
  }

  /** Types not named keep their state; an unknown type refuses the whole request (400). */
  update(configurations: Readonly<Record<string, { readonly Enabled?: boolean | undefined }>>): Record<string, never> {
    const unknown = Object.keys(configurations).filter((type) => !(EVENT_TYPES as readonly string[]).includes(type));
    if (unknown.length > 0) {
      throw invalidRequest(`Invalid event type(s): ${unknown.join(", ")}; valid: ${EVENT_TYPES.join(" | ")}`);
    }
    for (const [type, configuration] of Object.entries(configurations) as [EventType, { Enabled?: boolean }][]) {
      if (configuration.Enabled === true) this.#enabled.add(type);
      else if (configuration.Enabled === false) this.#enabled.delete(type);
    }
    this.#lastModifiedDate = Math.floor(Date.now() / 1000);
    this.#writer.schedule();
    return {};
  }

  flush(): Promise<void> {
    return this.#writer.flush();
  }
}
