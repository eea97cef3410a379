import { createHash } from "node:crypto";
import { PlatformError } from "../../core/errors.js";
import { escapeMarkup } from "../../core/markup.js";
import type { Block, Form, Message } from "../../core/message.js";
import { toMrkdwn } from "./mrkdwn.js";

/** Slack's documented limits (PLATFORMS.md §1.8); the renderer stays inside them rather than be rejected. */
const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  field: 2000,
  fields: 10,
  header: 150,
  button: 75,
  actions: 25,
  value: 2000,
};

type SlackBlock = Record<string, unknown>;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function mrkdwn(text: string, max = LIMITS.sectionText) {
  return { type: "mrkdwn", text: clip(toMrkdwn(text), max) };
}

/**
 * A section's text, in as many sections as Slack's 3000-character limit needs. The neutral renderer already
 * split long sections, but escaping (`<` → `&lt;`) can push a piece over the limit again: it is split at line
 * breaks rather than cut, so the end of a long list (the help text) is not lost.
 */
function sectionTexts(text: string): string[] {
  const full = toMrkdwn(text);
  if (full.length <= LIMITS.sectionText) return [full];
  const pieces: string[] = [];
  let current = "";
  for (const line of full.split("\n")) {
    const clipped = clip(line, LIMITS.sectionText);
    if (current && current.length + 1 + clipped.length > LIMITS.sectionText) {
      pieces.push(current);
      current = clipped;
    } else current = current ? `${current}\n${clipped}` : clipped;
  }
  if (current) pieces.push(current);
  return pieces;
}

function renderBlock(block: Block, index: number): SlackBlock[] {
  switch (block.type) {
    case "header":
      return [
        {
          type: "header",
          // Already plain text (the renderer made it so): parsing it as markup again would eat `\` and `*`.
          text: { type: "plain_text", text: clip(block.text, LIMITS.header) || " " },
        },
      ];
    case "section":
      return sectionTexts(block.text).map((text) => ({ type: "section", text: { type: "mrkdwn", text } }));
    case "context":
      return [{ type: "context", elements: [mrkdwn(block.text)] }];
    case "divider":
      return [{ type: "divider" }];
    case "fields": {
      const out: SlackBlock[] = [];
      for (let i = 0; i < block.fields.length; i += LIMITS.fields) {
        const fields = block.fields
          .slice(i, i + LIMITS.fields)
          .map((f) => mrkdwn(`*${escapeMarkup(f.label)}*\n${f.value}`, LIMITS.field));
        out.push({ type: "section", fields });
      }
      return out;
    }
    case "actions":
      return [
        {
          type: "actions",
          block_id: `actions-${index}`,
          elements: block.buttons.slice(0, LIMITS.actions).map((b, i) => ({
            type: "button",
            // Slack needs action ids unique within a message; the suffix is dropped when a click comes back.
            action_id: `${b.actionId}.${i}`,
            text: { type: "plain_text", text: clip(b.label, LIMITS.button), emoji: true },
            ...(b.value !== undefined ? { value: clip(b.value, LIMITS.value) } : {}),
            ...(b.style ? { style: b.style } : {}),
          })),
        },
      ];
  }
}

/** Slack's maximum length of a `block_id`. */
const BLOCK_ID_MAX = 255;
/** Prefix of a block_id carrying an outbox key as it is. */
export const KEY_BLOCK_PREFIX = "fbk.";
/** Prefix of a block_id carrying the SHA-256 (hex) of a key too long or too odd to carry as it is. */
export const HASHED_KEY_BLOCK_PREFIX = "fbh.";

/**
 * The `block_id` that marks a message as posted with outbox key `key`: `fbk.<key>` when the key is printable
 * ASCII without spaces and fits Slack's 255 characters, else `fbh.<sha256 hex of the key>`. The first block of
 * every keyed message carries it, so `conversations.history` can find the message again after a lost answer.
 */
export function keyBlockId(key: string): string {
  const plain = `${KEY_BLOCK_PREFIX}${key}`;
  if (plain.length <= BLOCK_ID_MAX && /^[\x21-\x7e]+$/.test(key)) return plain;
  return `${HASHED_KEY_BLOCK_PREFIX}${createHash("sha256").update(key, "utf8").digest("hex")}`;
}

/**
 * A neutral message as Block Kit. With `key`, the first block's `block_id` is `keyBlockId(key)`; a message
 * without blocks gets one section with its text, since the key needs a block to live in.
 */
export function toBlockKit(message: Message, key?: string): { text: string; blocks: SlackBlock[] } {
  const text = clip(toMrkdwn(message.text), 3000);
  const blocks = message.blocks.flatMap(renderBlock).slice(0, LIMITS.blocks);
  if (key !== undefined) {
    const first = blocks[0];
    if (first) blocks[0] = { ...first, block_id: keyBlockId(key) };
    // Slack shows blocks instead of `text` once there are any, so the one added block shows the text.
    else if (text.trim())
      blocks.push({ type: "section", block_id: keyBlockId(key), text: mrkdwn(message.text) });
    else blocks.push({ type: "divider", block_id: keyBlockId(key) });
  }
  return { text, blocks };
}

/** Whether a message (as conversations.history returns it) was posted with outbox key `key`. */
export function carriesKey(message: { blocks?: unknown }, key: string): boolean {
  const first = Array.isArray(message.blocks)
    ? (message.blocks[0] as { block_id?: unknown } | undefined)
    : undefined;
  return first?.block_id === keyBlockId(key);
}

/** A click's action id without the uniqueness suffix the renderer added. */
export function baseActionId(actionId: string): string {
  return actionId.replace(/\.\d+$/, "");
}

/** Slack's maximum length of a view's `private_metadata`. */
export const PRIVATE_METADATA_MAX = 3000;

/**
 * What a modal carries through Slack: the conversation it was opened from (where answers to its submission
 * go) and the form's own opaque `state`, as JSON `{"c": conversationId, "s": state}`.
 */
export function encodeFormMetadata(conversationId: string, state: string | undefined): string {
  const encoded = JSON.stringify(
    state === undefined ? { c: conversationId } : { c: conversationId, s: state },
  );
  if (encoded.length > PRIVATE_METADATA_MAX) {
    throw new PlatformError(
      "private_metadata_too_long",
      `A form's state is ${encoded.length} characters with its conversation; Slack keeps at most ${PRIVATE_METADATA_MAX}.`,
    );
  }
  return encoded;
}

/**
 * The conversation and state a submitted modal carries (see encodeFormMetadata). A modal opened by an older
 * version carries its state alone, which was also taken as the conversation; it is read the same way.
 */
export function decodeFormMetadata(raw: string | undefined): { conversationId: string; state?: string } {
  const text = raw ?? "";
  if (text.startsWith("{")) {
    try {
      const value = JSON.parse(text) as { c?: unknown; s?: unknown };
      if (typeof value.c === "string") {
        return { conversationId: value.c, ...(typeof value.s === "string" ? { state: value.s } : {}) };
      }
    } catch {
      // Not ours: fall through to the old reading.
    }
  }
  return { conversationId: text, ...(raw !== undefined ? { state: raw } : {}) };
}

/** A neutral form as a Slack modal; `conversationId` is where the submission's answers go. */
export function toModal(form: Form, conversationId: string): Record<string, unknown> {
  return {
    type: "modal",
    callback_id: form.callbackId,
    title: { type: "plain_text", text: clip(form.title, 24) },
    submit: { type: "plain_text", text: clip(form.submitLabel, 24) },
    close: { type: "plain_text", text: "Cancel" },
    private_metadata: encodeFormMetadata(conversationId, form.state),
    blocks: form.fields.slice(0, 100).map((f) => ({
      type: "input",
      block_id: f.id,
      optional: Boolean(f.optional),
      label: { type: "plain_text", text: clip(f.label, 2000) },
      ...(f.hint ? { hint: { type: "plain_text", text: clip(f.hint, 2000) } } : {}),
      element:
        f.kind === "select"
          ? {
              type: "static_select",
              action_id: f.id,
              options: (f.options ?? []).slice(0, 100).map((o) => ({
                text: { type: "plain_text", text: clip(o.label, 75) },
                value: o.value,
              })),
              ...(f.initial
                ? {
                    initial_option: (f.options ?? [])
                      .filter((o) => o.value === f.initial)
                      .map((o) => ({
                        text: { type: "plain_text", text: clip(o.label, 75) },
                        value: o.value,
                      }))[0],
                  }
                : {}),
            }
          : {
              type: "plain_text_input",
              action_id: f.id,
              multiline: f.kind === "textarea",
              ...(f.maxLength ? { max_length: f.maxLength } : {}),
              ...(f.placeholder
                ? { placeholder: { type: "plain_text", text: clip(f.placeholder, 150) } }
                : {}),
              ...(f.initial ? { initial_value: f.initial } : {}),
            },
    })),
  };
}

/** The values of a submitted modal, by field id. */
export function modalValues(
  state: { values?: Record<string, Record<string, unknown>> } | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [blockId, actions] of Object.entries(state?.values ?? {})) {
    for (const raw of Object.values(actions)) {
      const v = raw as { value?: string | null; selected_option?: { value?: string } | null };
      const value = v.selected_option?.value ?? v.value;
      if (typeof value === "string") out[blockId] = value;
    }
  }
  return out;
}
