/**
 * The secret in a calendar feed's URL. Calendar apps cannot log in, so the URL itself is the credential: a token
 * derived from one deployment-wide secret and the rotation id (HMAC-SHA256, base64url). Nothing is stored per
 * feed, every process derives the same token, and a token for one rotation opens no other. Replacing the
 * secret in Redis revokes every feed URL at once.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Versioned so a future change of derivation cannot collide with tokens already handed out. */
const PURPOSE = "firebreak-calendar-v1";

export function calendarToken(secret: string, rotationId: string): string {
  return createHmac("sha256", secret).update(`${PURPOSE}\n${rotationId}`).digest("base64url");
}

/**
 * Whether `token` opens the feed of `rotationId`, compared in constant time so response timing does not reveal
 * how much of a guess was right. Any length other than the real one (43 characters) is refused up front; the
 * length is no secret.
 */
export function calendarTokenMatches(secret: string, rotationId: string, token: string | undefined): boolean {
  if (typeof token !== "string" || token === "") return false;
  const expected = Buffer.from(calendarToken(secret, rotationId), "utf8");
  const given = Buffer.from(token, "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
