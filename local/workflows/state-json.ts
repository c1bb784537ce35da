/**
 * The JSON text of a state's data, made once per object for the two readers that need it: the payload
 * limit's meter (its UTF-8 bytes) and the execution's history (its text). A state's output is the next
 * state's input and the engine copies on write, so the same object would otherwise be turned into text
 * four times or more per state: with large messages, most of the runner's CPU and garbage.
 *
 * One cache per execution, gone with it. A single module-wide WeakMap lived in V8's old generation,
 * and the young-generation GC keeps the values of such a table alive: every execution's texts were
 * promoted, ~20 KB per uplink, which made a full mark-compact (10–20 ms of stalled event loop) every
 * two seconds at 200 uplinks/s.
 *
 * Keyed by identity (a WeakMap: gone with the object). A task's result is measured with `fresh`: a
 * handler may have changed, and returned, the object it was given.
 */
import { Buffer } from "node:buffer";

export interface StateJson {
  readonly text: string;
  /** UTF-8 bytes of `text`: the size Step Functions' payload limit counts. */
  readonly bytes: number;
}

function make(value: unknown): StateJson {
  const text = JSON.stringify(value) ?? "null";
  return { text, bytes: Buffer.byteLength(text, "utf8") };
}

export class StateJsonCache {
  readonly #made = new WeakMap<object, StateJson>();

  of(value: unknown): StateJson {
    if (value === null || typeof value !== "object") return make(value);
    let json = this.#made.get(value);
    if (json === undefined) {
      json = make(value);
      this.#made.set(value, json);
    }
    return json;
  }

  /** As `of`, but made again from the object as it is now. */
  fresh(value: unknown): StateJson {
    const json = make(value);
    if (value !== null && typeof value === "object") this.#made.set(value, json);
    return json;
  }
}
