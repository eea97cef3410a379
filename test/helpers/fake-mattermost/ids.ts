// Identifiers shaped like Mattermost's, so code that validates or pattern-matches them behaves as in production.

import { randomBytes } from "node:crypto";

/** Mattermost's `model.NewId` alphabet: a base32 variant without easily confused characters. */
const ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769";

/** A 26-character lowercase alphanumeric id, like `model.NewId()` (base32 of 16 random bytes). */
export function newId(): string {
  const bytes = randomBytes(17);
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
  }
  return out;
}

/** `model.IsValidId`: exactly 26 lowercase alphanumerics. */
export function isValidId(id: unknown): id is string {
  return typeof id === "string" && /^[a-z0-9]{26}$/.test(id);
}

/**
 * A trigger id as opaque to the bot as Mattermost's: base64 of `clientId:userId:millis:signature`. Real ones are
 * ECDSA-signed by the server; the fake keeps a table instead, so only ids it minted are accepted.
 */
export function newTriggerId(userId: string, atMs: number): string {
  const signature = randomBytes(48).toString("base64");
  return Buffer.from(`${newId()}:${userId}:${atMs}:${signature}`).toString("base64");
}
