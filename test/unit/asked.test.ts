import { describe, expect, it } from "vitest";
import { ASKED_WINDOW_MS, askCount, leastAsked } from "../../src/core/oncall/asked.js";

const T = Date.parse("2026-11-02T09:00:00Z");
const H = 3_600_000;

interface Case {
  name: string;
  candidates: string[];
  asked: Record<string, number[]>;
  n: number;
  expected: string[];
}

describe("leastAsked", () => {
  it.each<Case>([
    {
      name: "nobody asked: the order given",
      candidates: ["ana", "ben", "cai"],
      asked: {},
      n: 3,
      expected: ["ana", "ben", "cai"],
    },
    {
      name: "fewest asks first",
      candidates: ["ana", "ben", "cai"],
      asked: { ana: [T, T + H], ben: [T] },
      n: 3,
      expected: ["cai", "ben", "ana"],
    },
    {
      name: "equal counts: longest since last asked first",
      candidates: ["ana", "ben", "cai"],
      asked: { ana: [T + 2 * H], ben: [T], cai: [T + H] },
      n: 3,
      expected: ["ben", "cai", "ana"],
    },
    {
      name: "the latest ask decides, whatever the order stored",
      candidates: ["ana", "ben"],
      asked: { ana: [T + 5 * H, T - H], ben: [T, T + H] },
      n: 2,
      expected: ["ben", "ana"],
    },
    {
      name: "never asked before asked once, then the order given among equals",
      candidates: ["ana", "ben", "cai", "dev"],
      asked: { ana: [T], cai: [T] },
      n: 4,
      expected: ["ben", "dev", "ana", "cai"],
    },
    {
      name: "at most n",
      candidates: ["ana", "ben", "cai"],
      asked: { ben: [T] },
      n: 2,
      expected: ["ana", "cai"],
    },
    {
      name: "duplicates count once, at their first place",
      candidates: ["ben", "ana", "ben", "ana"],
      asked: {},
      n: 4,
      expected: ["ben", "ana"],
    },
    { name: "n of zero", candidates: ["ana"], asked: {}, n: 0, expected: [] },
    { name: "no candidates", candidates: [], asked: { ana: [T] }, n: 3, expected: [] },
    {
      name: "a name like __proto__ is a person, not a property",
      candidates: ["__proto__", "ana"],
      asked: { ana: [T] },
      n: 2,
      expected: ["__proto__", "ana"],
    },
  ])("$name", ({ candidates, asked, n, expected }) => {
    expect(leastAsked(candidates, asked, n)).toEqual(expected);
  });

  it("does not change its inputs", () => {
    const candidates = ["ana", "ben"];
    const asked = { ana: [T + H, T] };
    leastAsked(candidates, asked, 2);
    expect(candidates).toEqual(["ana", "ben"]);
    expect(asked).toEqual({ ana: [T + H, T] });
  });
});

describe("askCount", () => {
  it("counts a person's asks, 0 for someone not in the record", () => {
    expect(askCount({ ana: [T, T + H] }, "ana")).toBe(2);
    expect(askCount({ ana: [T] }, "ben")).toBe(0);
    expect(askCount({}, "toString")).toBe(0);
  });
});

describe("ASKED_WINDOW_MS", () => {
  it("is 30 days", () => {
    expect(ASKED_WINDOW_MS).toBe(30 * 86_400_000);
  });
});
