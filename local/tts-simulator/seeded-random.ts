/**
 * A small seeded pseudo-random generator, so a simulator run with the same seed produces the same
 * devices and the same traffic (reproducible demos, deterministic tests). Not for cryptography.
 */

const WEYL_INCREMENT = 0x9e3779b9;

/** murmur3's 32-bit finaliser: spreads every input bit over the whole output. */
function mix32(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Combines a seed with labels into a new seed, so independent streams (one per device, …) do not overlap. */
export function deriveSeed(seed: number, ...labels: ReadonlyArray<string | number>): number {
  let hash = mix32(seed);
  for (const label of labels) {
    const text = String(label);
    for (let index = 0; index < text.length; index++) {
      hash = mix32(hash ^ Math.imul(text.charCodeAt(index) + 1, WEYL_INCREMENT));
    }
    hash = mix32(hash + WEYL_INCREMENT);
  }
  return hash;
}

export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = mix32(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + WEYL_INCREMENT) >>> 0;
    return mix32(this.state) / 2 ** 32;
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
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
    const result = new Uint8Array(count);
    for (let index = 0; index < count; index++) result[index] = this.int(0, 255);
    return result;
  }

  /** An independent generator for a sub-stream, leaving this one's sequence unchanged. */
  fork(...labels: ReadonlyArray<string | number>): SeededRandom {
    return new SeededRandom(deriveSeed(this.state, ...labels));
  }
}
