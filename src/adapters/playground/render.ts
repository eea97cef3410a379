import { escapeHtml } from "../../core/html-escape.js";
import { parseMarkup, type Span } from "../../core/markup.js";
import type { Block, Button, Message } from "../../core/message.js";

/**
 * Neutral messages → playground HTML. Rendering happens here, on the server, so escaping lives in one place
 * that tests can reach; the page inserts the result as-is and builds everything else with textContent.
 */

export interface RenderNames {
  /** Display name for a user id; undefined when nobody has that id. */
  user(id: string): string | undefined;
  /** Name of a channel id; undefined when it does not exist (any more). */
  channel(id: string): string | undefined;
}

/** The one HTML escape (src/core/html-escape.ts), exported here too for the playground's tests. */
export { escapeHtml };

// parseMarkup already refuses other schemes; checking again keeps this renderer safe on its own.
const SAFE_URL = /^(https?:\/\/|mailto:)/i;

function spanToHtml(span: Span, names: RenderNames): string {
  switch (span.kind) {
    case "text":
      return escapeHtml(span.text);
    case "bold":
      return `<strong>${escapeHtml(span.text)}</strong>`;
    case "italic":
      return `<em>${escapeHtml(span.text)}</em>`;
    case "code":
      return `<code>${escapeHtml(span.text)}</code>`;
    case "user": {
      const name = names.user(span.id) ?? span.id;
      return `<span class="mention" data-user-id="${escapeHtml(span.id)}">@${escapeHtml(name)}</span>`;
    }
    case "channel": {
      const name = names.channel(span.id);
      if (name === undefined) return `<span class="channel-ref missing">#${escapeHtml(span.id)}</span>`;
      const id = escapeHtml(span.id);
      return `<a class="channel-ref" href="#/c/${encodeURIComponent(span.id)}" data-channel-id="${id}">#${escapeHtml(name)}</a>`;
    }
    case "link":
      if (!SAFE_URL.test(span.url)) return escapeHtml(span.label);
      return `<a href="${escapeHtml(span.url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(span.label)}</a>`;
  }
}

export function markupToHtml(markup: string, names: RenderNames): string {
  return parseMarkup(markup)
    .map((span) => spanToHtml(span, names))
    .join("");
}

function buttonToHtml(button: Button): string {
  const style = button.style ? ` btn-${button.style}` : "";
  const value = button.value === undefined ? "" : ` data-value="${escapeHtml(button.value)}"`;
  return `<button type="button" class="btn${style}" data-testid="message-button" data-action-id="${escapeHtml(button.actionId)}"${value}>${escapeHtml(button.label)}</button>`;
}

function blockToHtml(block: Block, names: RenderNames): string {
  switch (block.type) {
    case "header":
      return `<div class="b-header">${escapeHtml(block.text)}</div>`;
    case "section":
      return `<div class="b-section">${markupToHtml(block.text, names)}</div>`;
    case "fields":
      return `<dl class="b-fields">${block.fields
        .map((f) => `<div><dt>${escapeHtml(f.label)}</dt><dd>${markupToHtml(f.value, names)}</dd></div>`)
        .join("")}</dl>`;
    case "context":
      return `<div class="b-context">${markupToHtml(block.text, names)}</div>`;
    case "actions":
      return `<div class="b-actions">${block.buttons.map(buttonToHtml).join("")}</div>`;
    case "divider":
      return `<hr class="b-divider">`;
  }
}

/** The message body. A message without blocks shows its fallback text, as Slack does. */
export function messageToHtml(message: Message, names: RenderNames): string {
  if (message.blocks.length === 0) return `<div class="b-section">${markupToHtml(message.text, names)}</div>`;
  return message.blocks.map((block) => blockToHtml(block, names)).join("");
}
