/** API calls per `<service>:<Operation>`, e.g. `iotdata:Publish`: the benchmark's calls-per-uplink. */
export class CallStats {
  readonly #counts = new Map<string, number>();

  count(key: string): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  reset(): void {
    this.#counts.clear();
  }
}
