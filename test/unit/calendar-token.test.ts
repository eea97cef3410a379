import { describe, expect, it } from "vitest";
import { calendarToken, calendarTokenMatches } from "../../src/core/oncall/calendar-token.js";

describe("calendar tokens", () => {
  const secret = "s3cret-from-redis";

  it("are the same for the same secret and rotation, and URL-safe", () => {
    const token = calendarToken(secret, "primary");
    expect(calendarToken(secret, "primary")).toBe(token);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("differ per rotation and per secret, so one feed's token opens no other", () => {
    const tokens = new Set([
      calendarToken(secret, "primary"),
      calendarToken(secret, "secondary"),
      calendarToken("another secret", "primary"),
      // A separator keeps ("ab", "c") and ("a", "bc")-style joins apart.
      calendarToken(`${secret}\nprimary`, ""),
    ]);
    expect(tokens.size).toBe(4);
  });

  it("is derived with HMAC-SHA256 (a known vector)", () => {
    // echo -n $'firebreak-calendar-v1\nprimary' | openssl dgst -sha256 -hmac key -binary | base64 | tr '+/' '-_' | tr -d =
    expect(calendarToken("key", "primary")).toBe(KNOWN);
  });

  it.each([
    ["the right token", () => calendarToken(secret, "primary"), true],
    ["no token", () => undefined, false],
    ["an empty token", () => "", false],
    ["another rotation's token", () => calendarToken(secret, "secondary"), false],
    ["the token of another secret", () => calendarToken("other", "primary"), false],
    ["a prefix of the token", () => calendarToken(secret, "primary").slice(0, 20), false],
    ["the token with one character changed", () => flipLast(calendarToken(secret, "primary")), false],
    ["the token and more", () => `${calendarToken(secret, "primary")}x`, false],
    ["non-ASCII of the same length", () => "é".repeat(43), false],
  ])("matches %s: %s", (_name, token, want) => {
    expect(calendarTokenMatches(secret, "primary", token())).toBe(want);
  });
});

function flipLast(token: string): string {
  return token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
}

const KNOWN = "qXHpxmiARws3HA8ytJvSlQtxuOQ8QgyK_yfLrcCtd88";
