import { parseMarkup, type Span } from "../../core/markup.js";

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
  return text
    .replace(/<([^<>]*)>/g, (_, body: string) => {
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
    })
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
