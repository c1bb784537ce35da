/** bench/measure.ts countFromEnv: the counts a bench takes from its environment. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { countFromEnv } from "../../bench/measure.ts";

afterEach(() => vi.unstubAllEnvs());

describe("countFromEnv", () => {
  it("gives the variable's positive integer, or the fallback when it is unset", () => {
    vi.stubEnv("BENCH_TEST_COUNT", "12");
    expect(countFromEnv("BENCH_TEST_COUNT", 5)).toBe(12);
    expect(countFromEnv("BENCH_TEST_UNSET_COUNT", 5)).toBe(5);
  });

  it.each(["0", "-3", "2.5", "abc", ""])("refuses %j, naming the variable", (text) => {
    vi.stubEnv("BENCH_TEST_COUNT", text);
    expect(() => countFromEnv("BENCH_TEST_COUNT", 5)).toThrow(`BENCH_TEST_COUNT: "${text}" is not a positive integer`);
  });
});
