import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { PlatformError } from "../../core/errors.js";

/**
 * Mattermost signs nothing it sends an integration: a button click is a plain JSON POST carrying the
 * `integration.context` we put on the button, and a dialog submission carries the `state` we gave the dialog.
 * Anyone who can reach the bot's URL could post either, so both carry an HMAC-SHA256 keyed with the actions
 * secret, and nothing in them is believed until it verifies.
 *
 * The MAC covers a JSON array tagged with what is signed (`action` or `dialog`): the encoding is unambiguous,
 * so no value can be shifted from one field into another, and a button's signature is never a dialog's.
 *
 * A dialog's state is seen by the person it was opened for (their client holds it), so it also names that
 * person and when it was issued: whoever reads it cannot submit it as someone else, nor keep it for later. Its
 * random nonce makes every opening a delivery of its own.
 */

export interface SignedAction {
  actionId: string;
  value?: string;
}

export interface DialogState {
  callbackId: string;
  conversationId: string;
  state?: string;
  /** The username of the person the dialog was opened for: only they may submit it. */
  user: string;
}

/** A verified dialog state, with what signing added: a nonce unique to the opening, and when it was signed. */
export interface VerifiedDialogState extends DialogState {
  nonce: string;
  /** Milliseconds since the epoch, by the clock of the process that signed it. */
  issuedAt: number;
}

/** Length of a hex HMAC-SHA256. */
const MAC_HEX = /^[0-9a-f]{64}$/;

function mac(secret: string, fields: Array<string | null>): string {
  return createHmac("sha256", secret).update(JSON.stringify(fields), "utf8").digest("hex");
}

/** Constant-time comparison of a received MAC with the expected one; malformed input is simply unequal. */
function macMatches(received: unknown, expected: string): boolean {
  if (typeof received !== "string" || !MAC_HEX.test(received)) return false;
  return timingSafeEqual(Buffer.from(received, "hex"), Buffer.from(expected, "hex"));
}

/** A JSON object (not an array, not null): the shape of every body and context Mattermost sends. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The `integration.context` of a button: `{ a: actionId, v?: value, s: MAC }`. */
export function signActionContext(secret: string, action: SignedAction): Record<string, string> {
  const s = mac(secret, ["action", action.actionId, action.value ?? null]);
  return action.value === undefined ? { a: action.actionId, s } : { a: action.actionId, v: action.value, s };
}

/**
 * The action a click's context names, or null when it is missing, malformed, forged or tampered with. Extra
 * keys (Mattermost adds `selected_option` for menus) are ignored; they are not signed and not returned.
 */
export function verifyActionContext(secret: string, context: unknown): SignedAction | null {
  if (!isRecord(context)) return null;
  const { a, v, s } = context;
  if (typeof a !== "string" || (v !== undefined && typeof v !== "string")) return null;
  if (!macMatches(s, mac(secret, ["action", a, v ?? null]))) return null;
  return v === undefined ? { actionId: a } : { actionId: a, value: v };
}

/**
 * Mattermost does not document a limit on a dialog's `state`, but it travels in every submission and the
 * platforms this bot serves agree on a few kilobytes for such fields (Slack's `private_metadata` is 3000).
 */
export const DIALOG_STATE_MAX = 3000;

/**
 * A dialog's `state`: JSON `{ c: callbackId, v: conversationId, s?: state, u: user, n: nonce, t: issuedAt, h: MAC }`.
 * Throws a PlatformError when the form's state is too long to carry, rather than open a dialog whose answer
 * could be lost.
 */
export function signDialogState(secret: string, d: DialogState): string {
  const n = randomBytes(12).toString("base64url");
  const t = Date.now();
  const h = mac(secret, dialogFields(d.callbackId, d.conversationId, d.state, d.user, n, t));
  const encoded = JSON.stringify(
    d.state === undefined
      ? { c: d.callbackId, v: d.conversationId, u: d.user, n, t, h }
      : { c: d.callbackId, v: d.conversationId, s: d.state, u: d.user, n, t, h },
  );
  if (encoded.length > DIALOG_STATE_MAX) {
    throw new PlatformError(
      "dialog_state_too_long",
      `A form's state is ${encoded.length} characters once signed; a Mattermost dialog carries at most ${DIALOG_STATE_MAX} here.`,
    );
  }
  return encoded;
}

function dialogFields(
  callbackId: string,
  conversationId: string,
  state: string | undefined,
  user: string,
  nonce: string,
  issuedAt: number,
): Array<string | null> {
  return ["dialog", callbackId, conversationId, state ?? null, user, nonce, String(issuedAt)];
}

/**
 * The state a submitted dialog carries, or null when it is not one we signed for this callback id (the
 * submission's `callback_id`, which is not signed by itself, must name the same form). Whether the person
 * submitting it is `user`, and whether it is too old, is the caller's to check.
 */
export function verifyDialogState(
  secret: string,
  raw: unknown,
  callbackId: string,
): VerifiedDialogState | null {
  if (typeof raw !== "string" || raw.length > DIALOG_STATE_MAX) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isRecord(parsed)) return null;
  const { c, v, s, u, n, t, h } = parsed;
  if (typeof c !== "string" || typeof v !== "string" || (s !== undefined && typeof s !== "string"))
    return null;
  if (typeof u !== "string" || typeof n !== "string" || !Number.isSafeInteger(t)) return null;
  if (c !== callbackId) return null;
  const issuedAt = t as number;
  if (!macMatches(h, mac(secret, dialogFields(c, v, s, u, n, issuedAt)))) return null;
  const verified: VerifiedDialogState = { callbackId: c, conversationId: v, user: u, nonce: n, issuedAt };
  return s === undefined ? verified : { ...verified, state: s };
}
