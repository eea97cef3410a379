import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { incidentChannelName, slugify, withSuffix } from "../../src/core/incident/channel-name.js";

const parts = (title: string, extra: Partial<Parameters<typeof incidentChannelName>[1]> = {}) => ({
  number: 12,
  id: "INC-12",
  title,
  severity: "sev1",
  service: "search",
  date: "2026-11-20",
  ...extra,
});
const VALID = /^[a-z0-9][a-z0-9_-]*$/;

describe("incident channel names", () => {
  it.each([
    ["Search is down", "inc-12-search-is-down"],
    ["  Über-Störung im Netz!! ", "inc-12-uber-storung-im-netz"],
    ["検索が落ちた", "inc-12-jiansuogaluochita"],
    ["<!channel> @here <http://evil|x>", "inc-12-channel-here-http-evil-x"],
    ["🔥🔥🔥", "inc-12-fire-fire-fire"],
    ["؟؟؟", "inc-12"],
    ["---", "inc-12"],
  ])("%j → %s", (title, expected) => {
    expect(incidentChannelName("inc-{number}-{slug}", parts(title), 80)).toBe(expected);
  });

  it("fills every placeholder", () => {
    expect(incidentChannelName("{date}_{severity}_{service}-{id}-{slug}", parts("DB slow"), 80)).toBe(
      "2026-11-20_sev1_search-inc-12-db-slow",
    );
  });

  it("cuts a long title at a word boundary within the platform's limit", () => {
    const name = incidentChannelName("inc-{number}-{slug}", parts("word ".repeat(1000)), 80);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name.endsWith("-word")).toBe(true);
    expect(incidentChannelName("inc-{number}-{slug}", parts("a".repeat(200)), 64).length).toBeLessThanOrEqual(
      64,
    );
  });

  it("adds suffixes that stay within the limit", () => {
    expect(withSuffix("inc-12-search", 2, 80)).toBe("inc-12-search-2");
    const long = "x".repeat(80);
    expect(withSuffix(long, 13, 80)).toHaveLength(80);
    expect(withSuffix(long, 13, 80).endsWith("-13")).toBe(true);
  });

  it("is always a valid Slack and Mattermost name, whatever the title", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6000, unit: "grapheme" }), fc.constantFrom(64, 80), (title, max) => {
        const name = incidentChannelName("inc-{number}-{slug}", parts(title), max);
        expect(name).toMatch(VALID);
        expect(name.length).toBeLessThanOrEqual(max);
        expect(name.startsWith("inc-12")).toBe(true);
      }),
    );
  });

  it("slugify keeps only lowercase ascii words", () => {
    expect(slugify("Çava? NO_WAY 42")).toBe("cava-no-way-42");
  });
});
