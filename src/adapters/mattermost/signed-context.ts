import { createHmac, timingSafeEqual } from "node:crypto";
import { PlatformError } from "../../core/errors.js";

/**
 * Mattermost signs nothing it sends an integration: a button click is a plain JSON POST carrying the
 * `integration.context` we put on the button, and a dialog submission carries the `state` we gave the dialog.
 * Anyone who can reach the bot's URL could post either, so both carry an HMAC-SHA256 keyed with the actions
 * secret, and nothing in them is believed until it verifies.
 *
 * The MAC covers a JSON array tagged with what is signed (`action` or `dialog`): the encoding is unambiguous,
 * so no value can be shifted from one field into another, and a button's signature is never a dialog's.
 */

export interface SignedAction {
  actionId: string;
  value?: string;
}

export interface DialogState {
  callbackId: string;
  conversationId: string;
  state?: string;
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

function isRecord(value: unknown): value is Record<string, unknown> {
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
 * A dialog's `state`: JSON `{ c: callbackId, v: conversationId, s?: state, h: MAC }`. Throws a PlatformError
 * when the form's state is too long to carry, rather than open a dialog whose answer could be lost.
 */
export function signDialogState(secret: string, d: DialogState): string {
  const h = mac(secret, ["dialog", d.callbackId, d.conversationId, d.state ?? null]);
  const encoded = JSON.stringify(
    d.state === undefined
      ? { c: d.callbackId, v: d.conversationId, h }
      : { c: d.callbackId, v: d.conversationId, s: d.state, h },
  );
  if (encoded.length > DIALOG_STATE_MAX) {
    throw new PlatformError(
      "dialog_state_too_long",
      `A form's state is ${encoded.length} characters once signed; a Mattermost dialog carries at most ${DIALOG_STATE_MAX} here.`,
    );
  }
  return encoded;
}

/**
 * The state a submitted dialog carries, or null when it is not one we signed for this callback id (the
 * submission's `callback_id`, which is not signed by itself, must name the same form).
 */
export function verifyDialogState(secret: string, raw: unknown, callbackId: string): DialogState | null {
  if (typeof raw !== "string" || raw.length > DIALOG_STATE_MAX) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isRecord(parsed)) return null;
  const { c, v, s, h } = parsed;
  if (typeof c !== "string" || typeof v !== "string" || (s !== undefined && typeof s !== "string"))
    return null;
  if (c !== callbackId) return null;
  if (!macMatches(h, mac(secret, ["dialog", c, v, s ?? null]))) return null;
  return s === undefined
    ? { callbackId: c, conversationId: v }
    : { callbackId: c, conversationId: v, state: s };
}
