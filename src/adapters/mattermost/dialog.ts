import type { Form, FormField } from "../../core/message.js";

/**
 * A neutral form as a Mattermost interactive dialog, and a submission's values back as strings.
 *
 * The limits are the server's (`model/integration_action.go`, PLATFORMS.md §2.5), and the server measures them
 * with Go's `len`, which counts UTF-8 bytes: a 24-character title with one accented letter is too long. So
 * every cut here is by bytes, on a character boundary.
 */

export interface MattermostDialog {
  callback_id: string;
  title: string;
  submit_label: string;
  notify_on_cancel: boolean;
  state: string;
  elements: Array<Record<string, unknown>>;
}

export const DIALOG_LIMITS = {
  title: 24,
  displayName: 24,
  helpText: 150,
  /** A text element's default and placeholder; also the most a one-line field is asked to hold. */
  text: 150,
  /** A textarea's default and placeholder, and the most it is asked to hold. */
  textarea: 3000,
  /** A select's default and placeholder. */
  select: 3000,
} as const;

const ELLIPSIS = "…";
const encoder = new TextEncoder();

function bytes(text: string): number {
  return encoder.encode(text).length;
}

/**
 * `text` cut to at most `max` UTF-8 bytes on a character boundary. A label says it was cut with a trailing
 * "…" (`ellipsis`); a default value, which the person will send as it is, is cut with nothing added.
 */
export function cutBytes(text: string, max: number, ellipsis = true): string {
  if (bytes(text) <= max) return text;
  const mark = ellipsis ? ELLIPSIS : "";
  const room = max - bytes(mark);
  let out = "";
  let used = 0;
  for (const c of text) {
    const size = bytes(c);
    if (used + size > room) break;
    out += c;
    used += size;
  }
  return `${out}${mark}`;
}

/** The most characters a field asks for, and whether that needs a textarea (one-line fields hold 150). */
function capacity(field: FormField): { type: "text" | "textarea"; maxLength: number } {
  if (field.kind === "textarea") {
    return {
      type: "textarea",
      maxLength: Math.min(field.maxLength ?? DIALOG_LIMITS.textarea, DIALOG_LIMITS.textarea),
    };
  }
  const wanted = field.maxLength ?? DIALOG_LIMITS.text;
  // A one-line field that must hold more than Mattermost lets one line hold (or start with more) is a textarea.
  if (wanted > DIALOG_LIMITS.text || bytes(field.initial ?? "") > DIALOG_LIMITS.text) {
    return {
      type: "textarea",
      maxLength: Math.min(Math.max(wanted, DIALOG_LIMITS.text), DIALOG_LIMITS.textarea),
    };
  }
  return { type: "text", maxLength: wanted };
}

function element(field: FormField): Record<string, unknown> {
  const common = {
    display_name: cutBytes(field.label.replace(/\s+/g, " ").trim() || field.id, DIALOG_LIMITS.displayName),
    name: field.id,
    optional: Boolean(field.optional),
    ...(field.hint ? { help_text: cutBytes(field.hint, DIALOG_LIMITS.helpText) } : {}),
  };
  if (field.kind === "select") {
    const options = (field.options ?? []).map((o) => ({ text: o.label, value: o.value }));
    // The server refuses a default that is not one of the options.
    const initial = options.some((o) => o.value === field.initial) ? field.initial : undefined;
    return {
      ...common,
      type: "select",
      options,
      ...(field.placeholder ? { placeholder: cutBytes(field.placeholder, DIALOG_LIMITS.select) } : {}),
      ...(initial !== undefined ? { default: initial } : {}),
    };
  }
  const { type, maxLength } = capacity(field);
  const limit = type === "text" ? DIALOG_LIMITS.text : DIALOG_LIMITS.textarea;
  return {
    ...common,
    type,
    max_length: maxLength,
    ...(field.placeholder ? { placeholder: cutBytes(field.placeholder, limit) } : {}),
    // A default is cut without an ellipsis (it is text the person will send, not a label): to what the
    // field holds in characters, and to what the server accepts in bytes.
    ...(field.initial
      ? { default: cutBytes(Array.from(field.initial).slice(0, maxLength).join(""), limit, false) }
      : {}),
  };
}

/** A neutral form as a dialog; `signedState` is the dialog's state (see signed-context.ts). */
export function toDialog(form: Form, signedState: string): MattermostDialog {
  return {
    callback_id: form.callbackId,
    title: cutBytes(form.title.replace(/\s+/g, " ").trim() || "Firebreak", DIALOG_LIMITS.title),
    submit_label: cutBytes(form.submitLabel.trim() || "Submit", DIALOG_LIMITS.title),
    notify_on_cancel: false,
    state: signedState,
    elements: form.fields.map(element),
  };
}

/**
 * A submission's values as strings, by field name: text as typed (handlers trim), nothing (null, absent) as "",
 * numbers and booleans as their text. Every field of the form is present; values the form does not name are
 * kept too, so a form changed between opening and submitting loses nothing.
 */
export function dialogValues(
  form: Form | undefined,
  submission: Record<string, unknown>,
): Record<string, string> {
  const entries = new Map<string, string>();
  for (const field of form?.fields ?? []) entries.set(field.id, "");
  for (const [name, value] of Object.entries(submission ?? {})) {
    if (typeof value === "string") entries.set(name, value);
    else if (typeof value === "number" || typeof value === "boolean") entries.set(name, String(value));
    else if (value === null || value === undefined) entries.set(name, "");
  }
  // fromEntries defines own properties, so a field named `__proto__` is a value and not a prototype.
  return Object.fromEntries(entries);
}
