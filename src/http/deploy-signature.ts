/**
 * The deploy webhook's signatures, checked over the raw bytes received (a re-serialised body would not be the
 * bytes that were signed).
 *
 * Firebreak's own format: `X-Firebreak-Timestamp: <unix seconds>` and
 * `X-Firebreak-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`. The timestamp is inside what
 * is signed so that a captured request cannot be replayed later: changing the timestamp breaks the signature,
 * and keeping it makes the request stale after five minutes. Within those five minutes the hook remembers every
 * signature whose deploy it applied (in Redis, for ten minutes), so the same request twice is refused too; one
 * answered 400 or 503 is not remembered, so it may be sent again unchanged (deploy-hook.ts).
 *
 * GitHub's format: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`. GitHub signs no timestamp,
 * so its replays are refused by the delivery id (`X-GitHub-Delivery`, remembered for a day once applied)
 * instead; GitHub's "Redeliver" of a delivery answered 400 or 503 keeps its id and goes through.
 *
 * Comparisons take constant time, so the time of a refusal says nothing about how much of a guess was right.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** How far a timestamp may be from our clock, either way (clock skew plus delivery time). */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

function hmacHex(secret: string, parts: readonly (string | Buffer)[]): string {
  const mac = createHmac("sha256", secret);
  for (const part of parts) mac.update(part);
  return mac.digest("hex");
}

/** The header value for a body in Firebreak's format (what a deploy pipeline computes; the tests use it too). */
export function firebreakSignature(secret: string, timestamp: string, body: string | Buffer): string {
  return `sha256=${hmacHex(secret, [`${timestamp}.`, body])}`;
}

/** The header value GitHub sends for a body. */
export function githubSignature(secret: string, body: string | Buffer): string {
  return `sha256=${hmacHex(secret, [body])}`;
}

/** True when `header` is `sha256=<hex>` and the hex is the expected one. */
export function signatureMatches(header: string | undefined, expected: string): boolean {
  const given = SIGNATURE.exec(header?.trim() ?? "")?.[1]?.toLowerCase();
  const want = SIGNATURE.exec(expected)?.[1];
  if (!given || !want) return false;
  return timingSafeEqual(Buffer.from(given, "hex"), Buffer.from(want, "hex"));
}

/** Why a timestamp is refused, or null when it is fresh. */
export function timestampProblem(header: string | undefined, now: Date): string | null {
  if (!header || !/^[0-9]{1,12}$/.test(header.trim())) {
    return "X-Firebreak-Timestamp is missing or not unix seconds";
  }
  const skew = Math.abs(now.getTime() - Number(header.trim()) * 1000);
  return skew > SIGNATURE_TOLERANCE_MS
    ? "the timestamp is more than 5 minutes off: the request is stale"
    : null;
}
