/**
 * The neutral message model. Handlers and templates produce it; each adapter renders it natively (Block Kit,
 * Mattermost attachments and dialogs, playground HTML). Text fields hold neutral markup (see markup.ts) except
 * where a field says "plain".
 */

export type ButtonStyle = "primary" | "danger";

export interface Button {
  /** A constant from core/action-ids.ts: which handler a click reaches. */
  actionId: string;
  /** Plain label. */
  label: string;
  /** Opaque value the handler receives back (for example an incident id). */
  value?: string;
  style?: ButtonStyle;
}

export type Block =
  | { type: "header"; text: string /* plain */ }
  | { type: "section"; text: string }
  | { type: "fields"; fields: Array<{ label: string /* plain */; value: string }> }
  | { type: "context"; text: string }
  | { type: "actions"; buttons: Button[] }
  | { type: "divider" };

export interface Message {
  /** Markup used for notifications and clients that cannot show blocks; always set. */
  text: string;
  blocks: Block[];
}

export interface FormOption {
  value: string;
  label: string;
}

export interface FormField {
  id: string;
  label: string;
  kind: "text" | "textarea" | "select";
  options?: FormOption[];
  optional?: boolean;
  placeholder?: string;
  initial?: string;
  maxLength?: number;
  hint?: string;
}

export interface Form {
  /** A constant from core/action-ids.ts naming the handler that receives the submission. */
  callbackId: string;
  title: string;
  submitLabel: string;
  fields: FormField[];
  /** Opaque state carried through the form (for example the conversation it was opened from). */
  state?: string;
}

/** A message that is only text. */
export function textMessage(text: string): Message {
  return { text, blocks: [{ type: "section", text }] };
}
