/**
 * A seeded pseudo-random generator, so a simulator run with the same seed produces the same devices and
 * the same traffic (reproducible demos, deterministic tests). Not for cryptography. Backed by pure-rand's
 * xoroshiro128+ and its unbiased distributions.
 */
import { createHash } from "node:crypto";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/** Combines a seed with labels into a new seed, so independent streams (one per device, …) do not overlap. */
export function deriveSeed(seed: number, ...labels: ReadonlyArray<string | number>): number {
  return createHash("sha256")
    .update(JSON.stringify([seed, ...labels]))
    .digest()
    .readUInt32BE(0);
}

export class SeededRandom {
  readonly #generator: RandomGenerator;

  /** The seed is hashed first: xoroshiro128+ seeded with neighbouring integers starts with neighbouring outputs. */
  constructor(seed: number) {
    this.#generator = xoroshiro128plus(deriveSeed(seed));
  }

  /** Uniform in [0, 1). */
  next(): number {
    return uniformFloat64(this.#generator);
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return uniformInt(this.#generator, min, max);
  }

  /** Standard normal (Box–Muller). */
  gaussian(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("cannot pick from an empty list");
    return items[this.int(0, items.length - 1)]!;
  }

  bytes(count: number): Uint8Array {
    return Uint8Array.from({ length: count }, () => this.int(0, 255));
  }

  /** An independent generator for a sub-stream, leaving this one's sequence unchanged. */
  fork(...labels: ReadonlyArray<string | number>): SeededRandom {
    return new SeededRandom(deriveSeed(this.#generator.clone().next(), ...labels));
  }
}
