import { markupToPlain as toPlain } from "../../core/markup.js";
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

function renderBlock(block: Block, index: number): SlackBlock[] {
  switch (block.type) {
    case "header":
      return [
        {
          type: "header",
          text: { type: "plain_text", text: clip(toPlain(block.text), LIMITS.header) || " " },
        },
      ];
    case "section":
      return [{ type: "section", text: mrkdwn(block.text) }];
    case "context":
      return [{ type: "context", elements: [mrkdwn(block.text)] }];
    case "divider":
      return [{ type: "divider" }];
    case "fields": {
      const out: SlackBlock[] = [];
      for (let i = 0; i < block.fields.length; i += LIMITS.fields) {
        const fields = block.fields
          .slice(i, i + LIMITS.fields)
          .map((f) => mrkdwn(`*${f.label.replace(/[\\*_`<>]/g, "\\$&")}*\n${f.value}`, LIMITS.field));
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
            text: { type: "plain_text", text: clip(toPlain(b.label), LIMITS.button), emoji: true },
            ...(b.value !== undefined ? { value: clip(b.value, LIMITS.value) } : {}),
            ...(b.style ? { style: b.style } : {}),
          })),
        },
      ];
  }
}

export function toBlockKit(message: Message): { text: string; blocks: SlackBlock[] } {
  const blocks = message.blocks.flatMap(renderBlock).slice(0, LIMITS.blocks);
  return { text: clip(toMrkdwn(message.text), 3000), blocks };
}

/** A click's action id without the uniqueness suffix the renderer added. */
export function baseActionId(actionId: string): string {
  return actionId.replace(/\.\d+$/, "");
}

export function toModal(form: Form): Record<string, unknown> {
  return {
    type: "modal",
    callback_id: form.callbackId,
    title: { type: "plain_text", text: clip(form.title, 24) },
    submit: { type: "plain_text", text: clip(form.submitLabel, 24) },
    close: { type: "plain_text", text: "Cancel" },
    private_metadata: form.state ?? "",
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
