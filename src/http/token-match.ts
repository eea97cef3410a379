/**
 * Whether a token given with a request (`?token=`, a cookie, a Bearer header) is the configured one, for the
 * status pages and the incident log API alike. Both sides are hashed first, so the comparison takes the same
 * time whatever the guess and leaks neither how much of it was right nor the token's length.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(expected), digest(given));
}
