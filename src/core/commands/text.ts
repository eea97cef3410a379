/**
 * Cleaning and limits for text people type into commands (titles, updates, notes, summaries).
 *
 * The grammar uses these, and so should anything else that takes the same text from another door (the open
 * form, a dialog submission), so a title obeys one set of rules however it arrived.
 */

/** Titles become a channel name and a message header, so they stay short. */
export const TITLE_MAX = 150;
/** Slack refuses section text over 3000 characters; keeping free text under it means one update is one block. */
export const TEXT_MAX = 3000;

const LINE_BREAKS = /\r\n|[\r\n\u0085\u2028\u2029]/g;
// Tab, vertical tab and form feed are spacing, not content.
const SPACING_CONTROLS = /[\t\v\f]/g;
// The rest of C0, DEL and C1 (every control but the `\n` left by LINE_BREAKS): invisible, and some terminals
// and clients act on them.
const OTHER_CONTROLS = /[^\P{Cc}\n]/gu;
// Bidi embeddings, overrides and isolates: an unterminated U+202E in a title would reverse the bot's own words
// after it in every header and announcement, so they go too (they are formatting, never content).
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;
// A lone surrogate cannot be encoded as UTF-8; the platforms reject or mangle the whole message.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Cleans free text: line breaks become `\n`, tabs become spaces, other control characters are removed, and the
 * ends are trimmed. Line breaks and inner spacing are kept because updates and summaries are often several
 * lines, or a pasted snippet whose indentation matters.
 */
export function cleanFreeText(raw: string): string {
  return raw
    .replace(LONE_SURROGATE, "\ufffd")
    .replace(LINE_BREAKS, "\n")
    .replace(SPACING_CONTROLS, " ")
    .replace(OTHER_CONTROLS, "")
    .replace(BIDI_CONTROLS, "")
    .trim();
}

/** Cleans a one-line text: as `cleanFreeText`, and every run of whitespace (line breaks too) becomes one space. */
function cleanLine(raw: string): string {
  return cleanFreeText(raw).replace(/\s+/g, " ");
}

/** Length as people count it: code points, so an emoji is one character and not two UTF-16 units. */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export type TextResult = { ok: true; text: string } | { ok: false; message: string };

/** Validates an incident title as the grammar does; `message` tells the person what to change. */
export function parseTitle(raw: string): TextResult {
  const text = cleanLine(raw);
  if (!text) return { ok: false, message: "An incident needs a title." };
  const n = charCount(text);
  if (n > TITLE_MAX) {
    return {
      ok: false,
      message:
        `The title is ${n.toLocaleString("en-US")} characters; the limit is ${TITLE_MAX}. ` +
        "Keep the title short and add the details as a description in the incident channel.",
    };
  }
  return { ok: true, text };
}

/**
 * Validates free text (an update, a note, a summary). `what` names it in the message ("The update").
 * Empty text is not an error here: whether it may be empty depends on the command.
 */
export function parseFreeText(raw: string, what: string): TextResult {
  const text = cleanFreeText(raw);
  const n = charCount(text);
  if (n > TEXT_MAX) {
    return {
      ok: false,
      message: `${what} is ${n.toLocaleString("en-US")} characters; the limit is ${TEXT_MAX}. Shorten it or split it in two.`,
    };
  }
  return { ok: true, text };
}

/**
 * User text quoted back in a usage message: on one line, cut short, between backticks. Not escaped here: usage
 * messages are plain text and the templates escape every variable, so a typed `<!channel>` stays literal.
 */
export function quote(text: string, max = 40): string {
  const line = cleanLine(text);
  // Slice first so a 20,000-character paste is not split into code points just to keep 40 of them.
  const chars = Array.from(line.length > max * 2 + 8 ? line.slice(0, max * 2 + 8) : line);
  const short = chars.length > max ? `${chars.slice(0, max).join("")}…` : line;
  return short ? `\`${short}\`` : "(nothing)";
}
