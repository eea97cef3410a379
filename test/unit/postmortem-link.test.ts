import { describe, expect, it } from "vitest";
import { postmortemToken, postmortemTokenMatches } from "../../src/core/incident/postmortem-link.js";
import { calendarToken } from "../../src/core/oncall/calendar-token.js";

const SECRET = "deployment secret";

describe("a post-mortem draft's link token", () => {
  it("is HMAC-SHA256 of postmortem:INC-n under the deployment's secret, one per incident", () => {
    const token = postmortemToken(SECRET, "INC-4");
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token).toBe(calendarToken(SECRET, "postmortem:INC-4"));
    expect(postmortemToken(SECRET, "INC-4")).toBe(token);
    expect(new Set([token, postmortemToken(SECRET, "INC-40"), postmortemToken("other", "INC-4")]).size).toBe(
      3,
    );
  });

  it.each([
    ["its own token", () => postmortemToken(SECRET, "INC-4"), true],
    ["no token", () => undefined, false],
    ["an empty token", () => "", false],
    ["another incident's token", () => postmortemToken(SECRET, "INC-5"), false],
    ["the token of another secret", () => postmortemToken("other", "INC-4"), false],
    ["a calendar feed's token", () => calendarToken(SECRET, "primary"), false],
    ["a prefix of the token", () => postmortemToken(SECRET, "INC-4").slice(0, 20), false],
  ])("opens the draft of INC-4 with %s: %s", (_name, given, opens) => {
    expect(postmortemTokenMatches(SECRET, "INC-4", given())).toBe(opens);
  });
});
