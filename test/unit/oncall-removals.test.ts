import { describe, expect, it } from "vitest";
import { cutId, parseRemoveValue, planRemoval } from "../../src/core/oncall/removals.js";

const NOW = new Date("2026-11-03T12:00:00.000Z");
const entry = (id: string, from: string, to: string) => ({ id, from, to, personId: "bob" });

const ahead = entry("a1", "2026-11-04T08:00:00.000Z", "2026-11-04T16:00:00.000Z");
const running = entry("r1", "2026-11-03T08:00:00.000Z", "2026-11-03T16:00:00.000Z");
const over = entry("o1", "2026-11-02T08:00:00.000Z", "2026-11-03T12:00:00.000Z");
const startsNow = entry("n1", "2026-11-03T12:00:00.000Z", "2026-11-03T13:00:00.000Z");
const current = [over, running, startsNow, ahead];

describe("planRemoval", () => {
  it.each([
    { what: "one ahead is deleted", id: "a1", change: { remove: ["a1"] }, kept: undefined },
    {
      what: "one starting right now is deleted (nothing of it is past)",
      id: "n1",
      change: { remove: ["n1"] },
    },
    {
      what: "one in progress is cut at now, under a derived id, keeping who and what",
      id: "r1",
      change: {
        remove: ["r1"],
        add: [{ ...running, id: "r1.cut", to: "2026-11-03T12:00:00.000Z" }],
      },
    },
  ])("$what", ({ id, change }) => {
    const r = planRemoval(current, id, NOW);
    expect(r?.change).toEqual(change);
    expect(r?.removed).toEqual(current.find((e) => e.id === id));
    expect(r?.kept).toEqual(change.add?.[0]);
  });

  it.each([
    { what: "one already removed", id: "gone" },
    { what: "one that ended exactly now", id: "o1" },
  ])("changes nothing for $what", ({ id }) => {
    expect(planRemoval(current, id, NOW)).toBeNull();
  });

  it("the kept part's id never equals the one removed", () => {
    expect(cutId("slack-123.4")).not.toBe("slack-123.4");
  });
});

describe("parseRemoveValue", () => {
  it.each([
    ["primary slack-1700.0001", { owner: "primary", id: "slack-1700.0001" }],
    ["alice plan-x.2", { owner: "alice", id: "plan-x.2" }],
    ["primary", null],
    ["primary a b", null],
    ["", null],
    [undefined, null],
  ])("%j", (value, expected) => {
    expect(parseRemoveValue(value)).toEqual(expected);
  });
});
