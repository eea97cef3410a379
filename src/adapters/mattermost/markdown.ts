import { escapeMarkup, parseMarkup, type Span } from "../../core/markup.js";

/**
 * Neutral markup → Mattermost Markdown, and what people write → neutral markup (what they type to the bot as
 * they typed it, a post read back escaped).
 *
 * Literal text (anything a person typed reaches templates escaped, so it arrives here as `text` spans) must
 * render as the characters it holds and must never notify anyone. Three readers see the Markdown and each one
 * has to be satisfied:
 *
 * - The web app's Markdown parser (a fork of marked 0.3) honours backslash escapes only for
 *   `` ` * { } [ ] ( ) # + - . ! _ > | ~ `` and `\`, so `<`, `&` and `$` are written as HTML entities instead.
 * - The mobile apps parse CommonMark, where every ASCII punctuation escape and every entity above works too.
 * - The server finds mentions by parsing the message as Markdown and scanning only its text nodes
 *   (`getExplicitMentions` walks the tree with `markdown.Inspect`): code spans, code blocks and link
 *   destinations are not read, but emphasis and link labels are, and backslash escapes are already resolved in
 *   the text it scans, so `\@here` still notifies the channel. The web app highlights mentions in rendered text
 *   the same way. Escaping therefore cannot stop `@here`; a zero-width space after every literal `@` and `~`
 *   does, for the server and every client: the mention parser splits words at it. A literal backtick is written
 *   as an entity, so the only code spans any parser sees are ours and literal text can never open one.
 *
 * A URL in literal text is still auto-linked by Mattermost, showing its own address, just as when a person
 * types one in a message (responders' links to dashboards should stay clickable); a link with a label of its
 * own (`[label](url)`) is made only from a link span, whose target parseMarkup allows to be http(s) or mailto.
 *
 * The renderer produces "units": pieces of Markdown that are safe to cut between (no unit is half an escape,
 * a half span or a half entity), so a long post can be shortened without turning escaped text live.
 */

/** Zero-width space: invisible, but it ends a mention and breaks Markdown that needs adjacent characters. */
export const ZWSP = "\u200b";

/**
 * Names Mattermost reads as a broadcast rather than a person (it reserves them as usernames). The server also
 * matches them with trailing punctuation (`@all-`) and in any case, so that is how they are compared.
 */
const BROADCASTS = new Set(["all", "channel", "here"]);

/** Whether `@name` would notify a whole channel instead of one person. */
export function isBroadcastName(name: string): boolean {
  return BROADCASTS.has(name.replace(/[._-]+$/, "").toLowerCase());
}

/** A Mattermost channel's URL name, which `~name` links to. */
const CHANNEL_NAME = /^[a-z0-9][a-z0-9._-]*$/;
/** A line that Markdown would read as a list item, rule, setext heading underline or indented code. */
const BLOCK_MARKER = /^(?:[ \t\-+=]|\d+[.)])/;
/** What follows `&` in an HTML entity; only then does a literal `&` need escaping. */
const ENTITY_TAIL = /^#?\w+;/;

/** One literal character as Markdown. `next` is the following character of the same text, if any. */
function escapeChar(c: string, next: string | undefined): string {
  switch (c) {
    case "\\":
      // `\a` shows a backslash in both parsers; `\\` would show two in marked. Before anything else (or at
      // the end, where the next unit is unknown) the backslash itself is escaped.
      return next !== undefined && /[A-Za-z0-9]/.test(next) ? "\\" : "\\\\";
    case "*":
    case "_":
    case "[":
    case "]":
    case "(":
    case ")":
    case "#":
    case ">":
    case "|":
      return `\\${c}`;
    case "`":
      return "&#96;";
    case "~":
      return `\\~${ZWSP}`;
    case "@":
      return `@${ZWSP}`;
    case "<":
      return "&lt;";
    case "$":
      // Inline LaTeX (`$x$`) is parsed from the source; an entity is not a dollar to the parser.
      return "&#36;";
    default:
      return c;
  }
}

/**
 * Literal text as Markdown units, one per character (so any boundary is a safe cut). `atLineStart` says
 * whether the text begins a line; every line that begins inside it is guarded the same way.
 */
export function literalUnits(text: string, atLineStart: boolean): string[] {
  const units: string[] = [];
  const chars = Array.from(text);
  let lineStart = atLineStart;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === "\n") {
      units.push("\n");
      lineStart = true;
      continue;
    }
    if (lineStart && BLOCK_MARKER.test(chars.slice(i, i + 12).join(""))) units.push(ZWSP);
    lineStart = false;
    if (c === "&" && ENTITY_TAIL.test(chars.slice(i + 1, i + 40).join(""))) units.push("&amp;");
    else units.push(escapeChar(c, chars[i + 1]));
  }
  return units;
}

/** Literal text as Markdown. */
export function escapeMarkdown(text: string, atLineStart = false): string {
  return literalUnits(text, atLineStart).join("");
}

/**
 * Literal text as Markdown of at most `maxRunes` runes (code points, Mattermost's unit), cut between whole
 * units so no escape, entity or zero-width guard is left half-written: for fields the server caps and renders
 * as Markdown, such as a channel header.
 */
export function escapeMarkdownWithin(text: string, maxRunes: number, atLineStart = true): string {
  let out = "";
  let used = 0;
  for (const unit of literalUnits(text, atLineStart)) {
    const size = Array.from(unit).length;
    if (used + size > maxRunes) break;
    out += unit;
    used += size;
  }
  return out;
}

/**
 * Code span content is shown raw by every reader, so it needs no escaping, but it must not hold a backtick: it
 * would close the span early, and the rest (`@here` included, with no zero-width space in code) would become a
 * text node the server scans for mentions. A look-alike grave accent takes its place.
 */
function codeSpan(text: string): string {
  return `\`${text.replace(/`/g, "\u02cb").replace(/\n/g, " ")}\``;
}

/** A link target written so it stays one Markdown destination and names nobody. */
function linkTarget(url: string): string {
  return (
    url
      // Parentheses would end the destination; the rest would end or break it in one parser or the other.
      .replace(/[\s()<>\\`"[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`)
      // A destination is no text node, so no mention is read in it; an `@` that starts a word is encoded all
      // the same, so a reader that ends the destination somewhere else than ours still finds no mention there.
      .replace(/(^|[^\p{L}\p{N}:._@-])@/gu, "$1%40")
  );
}

interface Rendered {
  kind: Span["kind"] | "sep";
  units: string[];
}

/** Emphasis around literal text; whitespace at its edges stays outside, where Markdown requires it. */
function emphasis(text: string, marker: string): string[] {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(text) as RegExpExecArray;
  const [, lead = "", body = "", trail = ""] = m;
  if (!body) return literalUnits(text, false);
  return [lead, `${marker}${escapeMarkdown(body)}${marker}`, trail].filter(Boolean);
}

function renderSpan(
  span: Span,
  first: boolean,
  atLineStart: boolean,
  channelName: (id: string) => string | undefined,
): Rendered {
  switch (span.kind) {
    case "text":
      return { kind: "text", units: literalUnits(span.text, first && atLineStart) };
    case "bold":
      return { kind: "bold", units: emphasis(span.text, "**") };
    case "italic":
      return { kind: "italic", units: emphasis(span.text, "_") };
    case "code":
      return { kind: "code", units: [codeSpan(span.text)] };
    case "user":
      // Usernames are all a mention can name: a reference to "here" is shown, inert, never broadcast.
      if (isBroadcastName(span.id)) return { kind: "text", units: literalUnits(`@${span.id}`, false) };
      return { kind: "user", units: [`@${span.id}`] };
    case "channel": {
      const name = channelName(span.id);
      return {
        kind: "channel",
        units: [name !== undefined && CHANNEL_NAME.test(name) ? `~${name}` : codeSpan(span.id)],
      };
    }
    case "link": {
      const label = span.label.replace(/\s*\n\s*/g, " ").trim() || span.url;
      // Brackets in a label confuse marked's bracket matching even when escaped; entities do not.
      const text = escapeMarkdown(label).replace(/\\\[/g, "&#91;").replace(/\\\]/g, "&#93;");
      return { kind: "link", units: [`[${text}](${linkTarget(span.url)})`] };
    }
  }
}

function firstChar(r: Rendered | undefined): string | undefined {
  return r?.units.find((u) => u.length > 0)?.[0];
}

/**
 * Neutral markup as Markdown units. Between spans: a mention or channel link followed by anything but
 * whitespace gets a zero-width space, so `<@alice>_x` pings alice and not `alice_x`; two code spans side by
 * side are kept apart so the server does not pair their backticks across; an italic span followed by a letter
 * uses `*`, which works inside a word where `_` does not.
 */
export function markdownUnits(
  neutral: string,
  channelName: (id: string) => string | undefined,
  atLineStart = true,
): string[] {
  const rendered = parseMarkup(neutral).map((s, i) => renderSpan(s, i === 0, atLineStart, channelName));
  const units: string[] = [];
  rendered.forEach((r, i) => {
    const next = rendered[i + 1];
    const after = firstChar(next);
    let own = r.units;
    if (r.kind === "italic" && after !== undefined && /[\p{L}\p{N}]/u.test(after)) {
      own = own.map((u) => (u.startsWith("_") && u.endsWith("_") ? `*${u.slice(1, -1)}*` : u));
    }
    units.push(...own);
    if ((r.kind === "user" || r.kind === "channel") && after !== undefined && !/\s/.test(after))
      units.push(ZWSP);
    if (r.kind === "code" && next?.kind === "code") units.push(ZWSP);
  });
  return units;
}

/** Neutral markup → Mattermost Markdown (see the top of this file for how literal text stays literal). */
export function toMattermostMarkdown(
  neutral: string,
  channelName: (id: string) => string | undefined,
): string {
  return markdownUnits(neutral, channelName).join("");
}

/**
 * `@name` as the server finds it in a slash command's text (`possibleAtMentions` in app/command.go): an `@` not
 * preceded by a word character (so not in an email address), then a name that starts with a letter or digit.
 * `:` belongs to the name there (a remote user is `name:server`), so `@bob:` names nobody called bob.
 */
const AT_MENTION = /\B@([A-Za-z0-9][A-Za-z0-9._:-]*)/g;
/** What the server trims off the end of a name, one character at a time, when nobody has the whole name. */
const TRIMMABLE = /[._-]$/;
/** The characters and length of a Mattermost username (`model.IsValidUsername`). */
const USERNAME = /^[a-z0-9._-]{1,64}$/;
/**
 * Names the server reserves (`restrictedUsernames`), and the two a URL path resolves away (`/users/username/..`
 * would reach `/users/`), so none of them can name a person.
 */
const NOT_USERNAMES = new Set(["all", "channel", "matterbot", "system", ".", ".."]);

/**
 * Whether `name` (already lower-cased) can be someone's username: what the server accepts in
 * `/users/username/{username}` and can hold as an account. Anything else names nobody and is not asked about.
 */
export function validUsername(name: string): boolean {
  return USERNAME.test(name) && !NOT_USERNAMES.has(name);
}

interface TypedMention {
  /** Where the `@` is. */
  index: number;
  /** The `@name` as typed, trailing punctuation included. */
  typed: string;
  /** The usernames it may stand for, longest first: the whole name, then with trailing `.`, `-`, `_` cut. */
  candidates: string[];
}

function typedMentions(text: string): TypedMention[] {
  const found: TypedMention[] = [];
  for (const m of text.matchAll(AT_MENTION)) {
    const candidates: string[] = [];
    for (let name = (m[1] as string).toLowerCase(); ; name = name.slice(0, -1)) {
      if (validUsername(name) && !isBroadcastName(name)) candidates.push(name);
      if (!TRIMMABLE.test(name)) break;
    }
    found.push({ index: m.index, typed: m[0], candidates });
  }
  return found;
}

/**
 * The usernames `fromMattermostCommandText` would ask `isPerson` about, so a caller can look them up first
 * (the WebSocket asks the directory; a slash command carries Mattermost's own answer).
 */
export function mentionCandidates(text: string): string[] {
  return [...new Set(typedMentions(text).flatMap((m) => m.candidates))];
}

/**
 * What a person typed to the bot (a slash command's text, a mention's message) → the neutral command text the
 * grammar reads, as Slack's fromSlackText gives it: the characters as typed, with only each `@name` that
 * names a person (`isPerson`, asked with lower-case usernames) turned into `<@name>`. Nothing is escaped: the
 * grammar reads plain text, and templates escape what they quote of it. An `@` that names nobody (an address,
 * a broadcast, an unknown name) stays text, as does `~channel`.
 */
export function fromMattermostCommandText(text: string, isPerson: (username: string) => boolean): string {
  let out = "";
  let last = 0;
  for (const mention of typedMentions(text)) {
    const name = mention.candidates.find(isPerson);
    if (name === undefined) continue;
    // The trailing punctuation the name was found without stays, as typed, after the mention.
    out += `${text.slice(last, mention.index)}<@${name}>${mention.typed.slice(1 + name.length)}`;
    last = mention.index + mention.typed.length;
  }
  return out + text.slice(last);
}

/** A username as it appears after `@` in a stored post; a trailing `.` ends the sentence, not the name. */
const TYPED_MENTION = /@([A-Za-z0-9._-]+)/g;
const USERNAME_CHAR = /[A-Za-z0-9._-]/;

/**
 * A message someone wrote, read back (fetchMessage) → neutral markup, as Slack's fromSlackMessage: `@username`
 * becomes a mention of that (lower-cased, as Mattermost matches names) username; an `@` inside a word (an
 * email address) does not, and neither does a broadcast (`@here`, `@channel`, `@all`), which is no person.
 * Everything else is literal text, escaped, so a message quoted in a later bot message can name people but
 * never smuggle markup in: a typed `*x*`, `<@bob>` or `~channel` stays the characters typed.
 */
export function fromMattermostMessage(text: string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(TYPED_MENTION)) {
    const at = m.index;
    const before = at > 0 ? (text[at - 1] as string) : "";
    const name = (m[1] as string).replace(/\.+$/, "");
    if ((before && USERNAME_CHAR.test(before)) || !/^[A-Za-z0-9]/.test(name) || isBroadcastName(name))
      continue;
    out += `${escapeMarkup(text.slice(last, at))}<@${name.toLowerCase()}>`;
    last = at + 1 + name.length;
  }
  return out + escapeMarkup(text.slice(last));
}
