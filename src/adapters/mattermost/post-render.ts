import { createHash } from "node:crypto";
import { parseMarkup, type Span } from "../../core/markup.js";
import type { Block, Button, Message } from "../../core/message.js";
import { isBroadcastName, literalUnits, markdownUnits, ZWSP } from "./markdown.js";
import { signActionContext } from "./signed-context.js";

/**
 * A neutral message as a Mattermost post: the text blocks become the post's Markdown `message`, the buttons an
 * attachment's actions, each carrying its action id and value in a signed context (Mattermost does not sign
 * clicks, and an action's `id` is only a route name, so nothing is read back from it).
 */

export interface RenderContext {
  /** Where Mattermost posts button clicks (the bot's actions route). */
  actionsUrl: string;
  /** Key of the HMAC in every button's context. */
  secret: string;
  /** A channel's URL name, for `<#id>` references; undefined when it is not known (then the id is shown). */
  channelName(id: string): string | undefined;
}

export interface MattermostPost {
  message: string;
  props: Record<string, unknown>;
}

/** Mattermost refuses a post whose message is longer than this many runes (code points). */
export const POST_MESSAGE_MAX = 16383;
/** The post prop carrying the outbox key, so a post can be found again after a lost answer. */
export const KEY_PROP = "firebreak_key";
/** Longest key kept as it is; longer (or odd) keys are stored as their SHA-256. */
const KEY_MAX = 200;
const HASHED_KEY_PREFIX = "sha256:";
/** The fallback is only for notifications and clients that cannot show attachments. */
const FALLBACK_MAX = 3000;
const ELLIPSIS_LINE = "\n…";
/** How many units back a cut may move to land on a space. */
const WORD_BACKOFF = 200;

/**
 * The value of the key prop for outbox key `key`: the key itself when it is printable ASCII without spaces and
 * at most 200 characters, else `sha256:<hex>` of it (a key that itself starts `sha256:` is hashed too, so the
 * two forms cannot collide).
 */
export function postKey(key: string): string {
  if (key.length <= KEY_MAX && /^[\x21-\x7e]+$/.test(key) && !key.startsWith(HASHED_KEY_PREFIX)) return key;
  return `${HASHED_KEY_PREFIX}${createHash("sha256").update(key, "utf8").digest("hex")}`;
}

/** Whether a post (as Mattermost returns it) was created with outbox key `key`. */
export function carriesKey(post: { props?: Record<string, unknown> | null }, key: string): boolean {
  return post.props?.[KEY_PROP] === postKey(key);
}

function runes(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Joins Markdown units, shortened to `max` runes when needed: whole units are kept while they fit and an
 * ellipsis line says something was cut. Units are safe cut points (see markdown.ts), so cutting never turns
 * escaped text live or leaves half a code span whose content the server would then read for mentions.
 */
function fitUnits(units: string[], max: number): string {
  const full = units.join("");
  if (runes(full) <= max) return full;
  const budget = max - runes(ELLIPSIS_LINE);
  let kept = 0;
  let used = 0;
  for (const unit of units) {
    const size = runes(unit);
    if (used + size > budget) break;
    kept++;
    used += size;
  }
  // Cut at a space when one is near, rather than in the middle of a word.
  for (let i = kept; i > 0 && i > kept - WORD_BACKOFF; i--) {
    if (/^\s+$/.test(units[i] ?? "")) {
      kept = i;
      break;
    }
  }
  return `${units.slice(0, kept).join("").replace(/\s+$/, "")}${ELLIPSIS_LINE}`;
}

/** One text block as Markdown units; null for blocks that show nothing in the message. */
function blockUnits(block: Block, ctx: RenderContext): string[] | null {
  const name = (id: string) => ctx.channelName(id);
  switch (block.type) {
    case "header": {
      const text = block.text.replace(/\s+/g, " ").trim();
      if (!text) return null;
      // marked drops trailing `#`s of a heading as its closing sequence, escaped or not.
      return ["#### ", ...literalUnits(text, false), ...(text.endsWith("#") ? [ZWSP] : [])];
    }
    case "section":
      return block.text.trim() ? markdownUnits(block.text, name) : null;
    case "context":
      // No small print in Markdown: a quote is the quieter style Mattermost has.
      return block.text.trim()
        ? ["> ", ...markdownUnits(block.text, name).map((u) => (u === "\n" ? "\n> " : u))]
        : null;
    case "fields": {
      const lines = block.fields.map((f) => {
        const label = f.label.replace(/\s+/g, " ").trim();
        if (!label) return markdownUnits(f.value, name);
        return [`**${literalUnits(label, false).join("")}**: `, ...markdownUnits(f.value, name, false)];
      });
      if (lines.length === 0) return null;
      return lines.flatMap((line, i) => (i === 0 ? line : ["\n", ...line]));
    }
    case "divider":
      return ["---"];
    case "actions":
      return null;
  }
}

function messageUnits(message: Message, ctx: RenderContext): string[] {
  const blocks = message.blocks.map((b) => blockUnits(b, ctx)).filter((u): u is string[] => u !== null);
  // Blank lines keep blocks apart: a `---` right under a line of text would make that line a heading.
  if (blocks.some((b) => b.length > 0)) return blocks.flatMap((b, i) => (i === 0 ? b : ["\n\n", ...b]));
  return markdownUnits(message.text, (id) => ctx.channelName(id));
}

/** Plain text that can name nobody and that no Slack-style parsing turns into `<!channel>` or a link. */
function inert(text: string): string {
  return text.replace(/[@~<]/g, `$&${ZWSP}`);
}

function plainSpan(span: Span, ctx: RenderContext): string {
  switch (span.kind) {
    case "user":
      return isBroadcastName(span.id) ? inert(`@${span.id}`) : `@${span.id}`;
    case "channel": {
      const name = ctx.channelName(span.id);
      return name === undefined ? span.id : `~${name}`;
    }
    case "link":
      return inert(span.label);
    default:
      return inert(span.text);
  }
}

function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

function plainText(markup: string, ctx: RenderContext): string {
  return clip(
    parseMarkup(markup)
      .map((s) => plainSpan(s, ctx))
      .join(""),
    FALLBACK_MAX,
  );
}

/** An action id made of what Mattermost's route accepts (`[A-Za-z0-9]+`), unique among `used`. */
function actionRouteId(actionId: string, index: number, used: Set<string>): string {
  const base = `${actionId.replace(/[^A-Za-z0-9]/g, "").slice(0, 32) || "action"}${index}`;
  let id = base;
  for (let n = 1; used.has(id); n++) id = `${base}x${n}`;
  used.add(id);
  return id;
}

function renderButtons(buttons: Button[], ctx: RenderContext): Array<Record<string, unknown>> {
  const used = new Set<string>();
  return buttons.map((b, i) => ({
    id: actionRouteId(b.actionId, i, used),
    type: "button",
    // Shown as typed; a label holding a person's name or text gets the same invisible guard as the fallback.
    name: inert(b.label.trim() || b.actionId),
    style: b.style === "primary" || b.style === "danger" ? b.style : "default",
    integration: {
      url: ctx.actionsUrl,
      context: signActionContext(
        ctx.secret,
        b.value === undefined ? { actionId: b.actionId } : { actionId: b.actionId, value: b.value },
      ),
    },
  }));
}

/** The one attachment holding every button of the message; undefined when it has none. */
function attachmentsOf(message: Message, ctx: RenderContext): Array<Record<string, unknown>> | undefined {
  const buttons = message.blocks.flatMap((b) => (b.type === "actions" ? b.buttons : []));
  if (buttons.length === 0) return undefined;
  return [{ fallback: plainText(message.text, ctx), text: "", actions: renderButtons(buttons, ctx) }];
}

/** A neutral message as a post's `message` and `props` (buttons, and the outbox key when given). */
export function toMattermostPost(message: Message, ctx: RenderContext, key?: string): MattermostPost {
  const attachments = attachmentsOf(message, ctx);
  return {
    message: fitUnits(messageUnits(message, ctx), POST_MESSAGE_MAX),
    props: {
      ...(attachments ? { attachments } : {}),
      ...(key !== undefined ? { [KEY_PROP]: postKey(key) } : {}),
    },
  };
}

/** The ids of the channels a message refers to (`<#id>`), so their names can be looked up before rendering. */
export function channelIdsIn(message: Message): string[] {
  const texts = [message.text];
  for (const b of message.blocks) {
    if (b.type === "section" || b.type === "context") texts.push(b.text);
    if (b.type === "fields") texts.push(...b.fields.map((f) => f.value));
  }
  const ids = new Set<string>();
  for (const text of texts) for (const s of parseMarkup(text)) if (s.kind === "channel") ids.add(s.id);
  return [...ids];
}

/**
 * A slash command's answer, shown only to the person who typed it. The buttons go both in `attachments` (what
 * the command response format defines) and in `props` (what the post it becomes carries). Slack-style parsing
 * is skipped: the text is already Mattermost Markdown, and that parsing would turn `<!channel>`-like text in
 * code spans into broadcasts.
 */
export function toCommandResponse(message: Message, ctx: RenderContext): Record<string, unknown> {
  const attachments = attachmentsOf(message, ctx);
  return {
    response_type: "ephemeral",
    text: fitUnits(messageUnits(message, ctx), POST_MESSAGE_MAX),
    skip_slack_parsing: true,
    ...(attachments ? { attachments, props: { attachments } } : {}),
  };
}
