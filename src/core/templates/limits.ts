/**
 * Platform size limits, applied to every rendered message. Templates hold user text (titles, descriptions,
 * reasons) of any length, and a platform that gets an oversized message rejects it outright: Slack refuses a
 * message with more than 50 blocks or a section text over 3000 characters (`invalid_blocks`), and Mattermost
 * refuses a post over 16383 characters. A rejected kickoff or page means nobody hears about the incident, so
 * we would rather shorten a message visibly (with an ellipsis) than lose it.
 *
 * Cuts happen between markup tokens: cutting inside an escape (`\<`) would unescape the next character and
 * cutting inside `<@U1>` or `*bold*` would leave half a token that renders as stray punctuation.
 */
import type { Block, Message } from "../message.js";

export const LIMITS = {
  /** Slack: blocks per message. */
  blocks: 50,
  /** Slack: text of a section or context element. */
  section: 3000,
  /** Slack: header text (plain). */
  header: 150,
  /** Slack: fields in one section. */
  fields: 10,
  /** Slack: one field's text; the adapter joins label and value, so the value gets a little less. */
  fieldValue: 1900,
  /** Slack: elements in an actions block. */
  buttons: 25,
  /** Slack: button text (plain). */
  buttonLabel: 75,
  /** Slack: button value. */
  buttonValue: 2000,
  /** The fallback text is what notifications show; long ones are useless there and Slack truncates them. */
  text: 3000,
  /**
   * Mattermost rejects posts over 16383 characters. Adapters turn neutral markup into their own, which can
   * grow a little (mentions become names, escapes change), so the neutral total keeps some headroom.
   */
  total: 15000,
} as const;

export const ELLIPSIS = "…";

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

interface Token {
  start: number;
  end: number;
  /** For emphasis and code spans: the closing character, so a span can be cut inside and closed again. */
  close?: string;
}

function codePointLength(src: string, i: number): number {
  const c = src.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < src.length ? 2 : 1;
}

/** Index of the first unescaped `close` after `from`, or -1. Spans other than `<...>` stop at a newline. */
function findClose(src: string, from: number, close: string): number {
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === "\\" && i + 1 < src.length) {
      i++;
    } else if (c === close) {
      return i;
    } else if (c === "\n" && close !== ">") {
      return -1;
    }
  }
  return -1;
}

/**
 * Splits markup into atoms that must not be cut: escapes, mentions and links, emphasis and code spans, and
 * single code points (so emoji are not halved). It follows parseMarkup's rules closely enough to find safe
 * cut points; where it is more conservative, it only keeps a little more together.
 */
function tokens(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    let end = i + codePointLength(src, i);
    let close: string | undefined;
    if (c === "\\" && i + 1 < src.length) {
      end = i + 1 + codePointLength(src, i + 1);
    } else if (
      c === "`" ||
      ((c === "*" || c === "_") && (i === 0 || !/[A-Za-z0-9]/.test(src[i - 1] as string)))
    ) {
      const j = findClose(src, i + 1, c);
      if (j > i + 1) {
        end = j + 1;
        close = c;
      }
    } else if (c === "<") {
      const j = findClose(src, i + 1, ">");
      const body = j > 0 ? src.slice(i + 1, j) : "";
      if (body.startsWith("@") || body.startsWith("#") || SAFE_URL.test(body)) end = j + 1;
    }
    out.push(close ? { start: i, end, close } : { start: i, end });
    i = end;
  }
  return out;
}

function isSpace(t: Token, src: string): boolean {
  return t.end === t.start + 1 && /\s/.test(src[t.start] as string);
}

/** Removes trailing whitespace without orphaning a backslash that escaped it. */
export function trimMarkupEnd(src: string): string {
  let end = src.length;
  while (end > 0 && /\s/.test(src[end - 1] as string)) {
    let slashes = 0;
    while (end - 2 - slashes >= 0 && src[end - 2 - slashes] === "\\") slashes++;
    if (slashes % 2 === 1) break;
    end--;
  }
  return src.slice(0, end);
}

/** Shortens markup to at most `max` characters, ending in an ellipsis, without breaking a token. */
export function truncateMarkup(src: string, max: number): string {
  if (src.length <= max) return src;
  const budget = max - ELLIPSIS.length;
  const all = tokens(src);
  let fit = 0; // tokens that fit whole
  while (fit < all.length && (all[fit] as Token).end <= budget) fit++;
  // Prefer ending at a word boundary when one is close, so "Search is dow…" becomes "Search is…".
  let keep = fit;
  for (let k = fit; k > 0 && k > fit - 40; k--) {
    if (k < all.length && isSpace(all[k] as Token, src)) {
      keep = k;
      break;
    }
  }
  while (keep > 0 && isSpace(all[keep - 1] as Token, src)) keep--;
  const cut = keep > 0 ? (all[keep - 1] as Token).end : 0;
  const over = all[fit];
  // One long span (a pasted log line in backticks, say) would cost too much if dropped whole: cut inside it
  // at an escape-safe point and close it again, so it still renders as a span.
  if (over?.close && cut < budget / 2) {
    const limit = budget - over.close.length;
    let p = over.start + 1;
    while (p < limit) {
      const step = src[p] === "\\" ? 2 : codePointLength(src, p);
      if (p + step > limit) break;
      p += step;
    }
    if (p > over.start + 1) return `${src.slice(0, p)}${ELLIPSIS}${over.close}`;
  }
  return `${src.slice(0, cut)}${ELLIPSIS}`;
}

/** Shortens plain text (headers, labels) at a code-point boundary, preferring a word boundary. */
export function truncatePlain(src: string, max: number): string {
  if (src.length <= max) return src;
  let cut = max - ELLIPSIS.length;
  if (codePointLength(src, cut - 1) === 2) cut--;
  const space = src.lastIndexOf(" ", cut);
  if (space > cut - 20 && space > 0) cut = space;
  return `${src.slice(0, cut).trimEnd()}${ELLIPSIS}`;
}

/**
 * Splits long markup into pieces of at most `max` characters at line breaks, so a long list (the help text,
 * a description with many lines) arrives whole across several sections instead of being cut off. A single
 * line longer than `max` is truncated; when more than `maxPieces` would be needed the last piece is.
 */
export function splitMarkup(src: string, max: number, maxPieces: number): string[] {
  if (src.length <= max) return [src];
  const lines: string[] = [];
  let from = 0;
  for (const t of tokens(src)) {
    if (src[t.start] === "\n" && t.end === t.start + 1) {
      lines.push(src.slice(from, t.start));
      from = t.end;
    }
  }
  lines.push(src.slice(from));
  const pieces: string[] = [];
  let current: string | undefined;
  for (const raw of lines) {
    const line = truncateMarkup(raw, max);
    if (current === undefined) {
      current = line;
    } else if (current.length + 1 + line.length <= max) {
      current = `${current}\n${line}`;
    } else {
      pieces.push(current);
      current = line;
    }
  }
  if (current !== undefined) pieces.push(current);
  const trimmed = pieces.map((p) => trimMarkupEnd(p).replace(/^\n+/, "")).filter((p) => p.length > 0);
  if (trimmed.length <= maxPieces) return trimmed;
  const head = trimmed.slice(0, Math.max(0, maxPieces - 1));
  return [...head, truncateMarkup(trimmed.slice(head.length).join("\n"), max)];
}

function blockLength(b: Block): number {
  switch (b.type) {
    case "header":
    case "section":
    case "context":
      return b.text.length;
    case "fields":
      return b.fields.reduce((n, f) => n + f.label.length + f.value.length, 0);
    case "actions":
      return b.buttons.reduce((n, x) => n + x.label.length, 0);
    default:
      return 0;
  }
}

/**
 * Makes a rendered message fit every platform: long sections split or shortened, at most 50 blocks, and the
 * whole within Mattermost's post size. When the total is too long, text is taken from the end, because the
 * top of a message (what happened, who is in command) matters most; buttons are kept whatever the cost.
 */
export function fitMessage(message: Message): Message {
  const text = truncateMarkup(message.text, LIMITS.text);
  let spare = LIMITS.blocks - message.blocks.length;
  const blocks: Block[] = [];
  for (const b of message.blocks) {
    if (b.type === "section" && b.text.length > LIMITS.section) {
      const pieces = splitMarkup(b.text, LIMITS.section, Math.max(1, spare + 1));
      spare -= pieces.length - 1;
      for (const piece of pieces) blocks.push({ type: "section", text: piece });
    } else if (b.type === "context") {
      blocks.push({ type: "context", text: truncateMarkup(b.text, LIMITS.section) });
    } else {
      blocks.push(b);
    }
  }
  // Templates are checked for the block count at load; this guards messages built some other way.
  const kept = blocks.slice(0, LIMITS.blocks);
  let excess = text.length + kept.reduce((n, b) => n + blockLength(b), 0) - LIMITS.total;
  for (let i = kept.length - 1; i >= 0 && excess > 0; i--) {
    const b = kept[i] as Block;
    if (b.type !== "section" && b.type !== "context") continue;
    if (b.text.length - excess >= 200) {
      kept[i] = { type: b.type, text: truncateMarkup(b.text, b.text.length - excess) };
      excess = 0;
    } else {
      excess -= b.text.length;
      kept.splice(i, 1);
      // Say that something is missing rather than ending mid-story without a mark.
      const prev = kept.slice(0, i).findLastIndex((x) => x.type === "section");
      const p = kept[prev];
      if (p?.type === "section" && !p.text.endsWith(ELLIPSIS)) {
        kept[prev] = { type: "section", text: `${trimMarkupEnd(p.text)} ${ELLIPSIS}` };
        excess += 2;
      }
    }
  }
  return { text, blocks: kept };
}
