/**
 * The neutral inline markup every message text is written in. Templates produce it and adapters turn it into
 * Slack mrkdwn, Mattermost Markdown or playground HTML. It is deliberately tiny:
 *
 *   *bold*   _italic_   `code`   <@USER_ID>   <#CHANNEL_ID>   <https://url|label>   \x (literal x)
 *
 * Anything a person typed is passed through `escapeMarkup` before it reaches a template, so user text can
 * never become a mention, a broadcast (`@here`, `<!channel>`) or a link: adapters render escaped text as
 * literal characters, escaped for their own platform.
 */

export type Span =
  | { kind: "text"; text: string }
  | { kind: "bold"; text: string }
  | { kind: "italic"; text: string }
  | { kind: "code"; text: string }
  | { kind: "user"; id: string }
  | { kind: "channel"; id: string }
  | { kind: "link"; url: string; label: string };

const SPECIAL = /[\\*_`<>]/g;

/** Makes any string literal in markup: every special character is backslash-escaped. */
export function escapeMarkup(text: string): string {
  return text.replace(SPECIAL, (c) => `\\${c}`);
}

export function userRef(id: string): string {
  return `<@${id}>`;
}

export function channelRef(id: string): string {
  return `<#${id}>`;
}

export function linkRef(url: string, label: string): string {
  return `<${url.replace(/[|>\s]/g, encodeURIComponent)}|${escapeMarkup(label).replace(/\|/g, "¦")}>`;
}

/** Reads text up to an unescaped `close`, unescaping as it goes; null when it never closes. */
function readUntil(src: string, from: number, close: string): { text: string; end: number } | null {
  let out = "";
  for (let i = from; i < src.length; i++) {
    const c = src[i] as string;
    if (c === "\\" && i + 1 < src.length) {
      out += src[i + 1];
      i++;
    } else if (c === close) {
      return { text: out, end: i };
    } else if (c === "\n" && close !== ">") {
      return null;
    } else {
      out += c;
    }
  }
  return null;
}

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

/** Parses markup into spans. Unclosed or malformed markup is kept as literal text, never dropped. */
export function parseMarkup(src: string): Span[] {
  const spans: Span[] = [];
  let text = "";
  const flush = () => {
    if (text) spans.push({ kind: "text", text });
    text = "";
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === "\\" && i + 1 < src.length) {
      text += src[i + 1];
      i++;
      continue;
    }
    // `*` and `_` open emphasis only at a word start, so snake_case and 2*3 stay literal.
    const wordStart = i === 0 || !/[A-Za-z0-9]/.test(src[i - 1] as string);
    if (c === "`" || ((c === "*" || c === "_") && wordStart)) {
      const r = readUntil(src, i + 1, c);
      if (r && r.text.length > 0) {
        flush();
        spans.push({ kind: c === "*" ? "bold" : c === "_" ? "italic" : "code", text: r.text });
        i = r.end;
        continue;
      }
    }
    if (c === "<") {
      const r = readUntil(src, i + 1, ">");
      if (r) {
        const body = r.text;
        if (body.startsWith("@") && /^@[A-Za-z0-9._-]+$/.test(body)) {
          flush();
          spans.push({ kind: "user", id: body.slice(1) });
          i = r.end;
          continue;
        }
        if (body.startsWith("#") && /^#[A-Za-z0-9._-]+$/.test(body)) {
          flush();
          spans.push({ kind: "channel", id: body.slice(1) });
          i = r.end;
          continue;
        }
        const bar = body.indexOf("|");
        const url = bar >= 0 ? body.slice(0, bar) : body;
        if (SAFE_URL.test(url) && !/\s/.test(url)) {
          flush();
          spans.push({ kind: "link", url, label: bar >= 0 ? body.slice(bar + 1) : url });
          i = r.end;
          continue;
        }
      }
    }
    text += c;
  }
  flush();
  return spans;
}

/** Plain text of markup, for notification fallbacks and logs. */
export function markupToPlain(src: string, names: (span: Span) => string = defaultName): string {
  return parseMarkup(src)
    .map((s) => names(s))
    .join("");
}

function defaultName(s: Span): string {
  switch (s.kind) {
    case "user":
      return `@${s.id}`;
    case "channel":
      return `#${s.id}`;
    case "link":
      return s.label;
    default:
      return s.text;
  }
}
