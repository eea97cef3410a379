import { escapeMarkup, parseMarkup, type Span } from "../../core/markup.js";

/**
 * Neutral markup → Slack mrkdwn. Literal text is escaped the way Slack asks (&, <, >), which is also what makes
 * user text safe: `<!channel>` typed in a title arrives here as literal text and leaves as `&lt;!channel&gt;`,
 * shown as typed and pinging nobody. Slack only turns a bare `@here` into a mention when asked to (link_names),
 * which the bot never does.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Emphasis markers inside emphasised text would end it early; a zero-width joiner keeps them literal. */
function inner(text: string, marker: string): string {
  return escapeSlack(text).split(marker).join(`${marker}\u200d`);
}

function renderSpan(span: Span): string {
  switch (span.kind) {
    case "text":
      return escapeSlack(span.text);
    case "bold":
      return `*${inner(span.text, "*")}*`;
    case "italic":
      return `_${inner(span.text, "_")}_`;
    case "code":
      return `\`${inner(span.text, "`")}\``;
    case "user":
      return `<@${span.id}>`;
    case "channel":
      return `<#${span.id}>`;
    case "link":
      return `<${span.url.replace(/[<>|]/g, encodeURIComponent)}|${escapeSlack(span.label).replace(/\|/g, "¦")}>`;
  }
}

export function toMrkdwn(markup: string): string {
  return parseMarkup(markup).map(renderSpan).join("");
}

/**
 * Slack's escaped command text → the neutral command text the grammar reads: user mentions stay `<@U…>`, every
 * other token becomes the plain text the person saw (`<!here>` → `@here`, `<#C1|ops>` → `#ops`, links → URL,
 * entities decoded).
 */
export function fromSlackText(text: string): string {
  return decodeEntities(
    text.replace(/<([^<>]*)>/g, (_, body: string) => {
      if (body.startsWith("@")) return `<@${body.slice(1).split("|")[0]}>`;
      if (body.startsWith("#")) {
        const [id, name] = body.slice(1).split("|");
        return `#${name ?? id}`;
      }
      if (body.startsWith("!")) {
        const [cmd, label] = body.slice(1).split("|");
        if (label) return label;
        return `@${(cmd ?? "").replace(/^subteam\^/, "")}`;
      }
      // Slack auto-links what people type ("x.io" → <http://x.io|x.io>): give back what they typed.
      const [url = "", label] = body.split("|");
      if (!label || label === url || url.replace(/^(https?:\/\/|mailto:)/, "") === label) return label ?? url;
      return `${label} (${url})`;
    }),
  );
}

/** Slack's own escapes in message text: the only entities it uses. */
function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** A Slack user id, as mentions carry it (`U…`, or `W…` on Enterprise Grid). */
const SLACK_USER_ID = /^[UW][A-Z0-9]+$/;

/**
 * A message someone wrote (read back with conversations.history) → neutral markup. User mentions stay
 * mentions (`<@U1>`, `<@U1|name>` → `<@U1>`); everything else becomes literal text, escaped for the neutral
 * model: a broadcast (`<!channel>`) becomes the words `@channel`, a link its label and URL, a channel
 * reference `#name`, and Slack's *emphasis* stays as typed. So a fetched message quoted in a later bot message
 * can name people but never ping a channel, link somewhere or smuggle markup in.
 */
export function fromSlackMessage(text: string): string {
  let out = "";
  let last = 0;
  for (const token of text.matchAll(/<([^<>]*)>/g)) {
    out += escapeMarkup(decodeEntities(text.slice(last, token.index)));
    last = token.index + token[0].length;
    const body = token[1] ?? "";
    const user = body.startsWith("@") ? body.slice(1).split("|")[0] : undefined;
    if (user !== undefined && SLACK_USER_ID.test(user)) out += `<@${user}>`;
    else out += escapeMarkup(fromSlackText(token[0]));
  }
  return out + escapeMarkup(decodeEntities(text.slice(last)));
}
