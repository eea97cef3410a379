import { beforeAll, describe, expect, it } from "vitest";
import {
  POST_MESSAGE_MAX,
  type RenderContext,
  toCommandResponse,
  toMattermostPost,
} from "../../src/adapters/mattermost/post-render.js";
import { verifyActionContext } from "../../src/adapters/mattermost/signed-context.js";
import { parseMarkup } from "../../src/core/markup.js";
import type { Button, Message } from "../../src/core/message.js";
import { loadTemplates, TEMPLATE_NAMES, type Templates } from "../../src/core/templates/index.js";
import { TEMPLATE_SAMPLES } from "./template-samples/index.js";
import { HOSTILE } from "./template-samples/shared.js";

/**
 * Every shipped template, rendered with hostile text in each field a person can type (the same samples the
 * template tests use for Slack), must make a Mattermost post that the server accepts and that pings, links
 * and broadcasts only where the template means to.
 */

const ctx: RenderContext = {
  actionsUrl: "https://bot.example/mattermost/actions",
  secret: "actions-secret-0123456789abcdef",
  channelName: (id) => (id === "C1" ? "incidents" : undefined),
};

const hostileVars = TEMPLATE_SAMPLES;

/** What a reader shows for literal Markdown text: escapes and entities decoded, zero-width spaces invisible. */
function visible(markdown: string): string {
  return markdown.replace(
    /\\([!-/:-@[-`{-~])|&(lt|amp|#\d+);|\u200b/g,
    (_whole, punct: string | undefined, entity: string | undefined) => {
      if (punct !== undefined) return punct;
      if (entity === "lt") return "<";
      if (entity === "amp") return "&";
      if (entity !== undefined) return String.fromCodePoint(Number(entity.slice(1)));
      return "";
    },
  );
}

/** The server's own way of skipping code before it looks for mentions (`app/notification.go`). */
function withoutCode(message: string): string {
  const block = /^[^\S\n]*[`~]{3}.*$[\s\S]+?(^[^\S\n]*[`~]{3}$|(?![\s\S]))/gm;
  const inline = /`+(?:.+?|.*?\n(.*?\S.*?\n)*.*?)`+/gm;
  return message.replace(block, "").replace(inline, " ");
}

/** The words the server reads mentions from, trailing punctuation dropped as it does. */
function mentionWords(message: string): string[] {
  return withoutCode(message)
    .split(/[^\p{L}\p{N}:._@-]+/u)
    .filter((w) => w.startsWith("@") && w.length > 1)
    .map((w) => w.replace(/[.:_-]+$/, ""));
}

/** The text of a post's attachments that people read: fallbacks, texts and button names. */
function shownInProps(props: Record<string, unknown>): string[] {
  const attachments = (props.attachments ?? []) as Array<{
    fallback?: string;
    text?: string;
    actions?: Array<{ name?: string }>;
  }>;
  return attachments.flatMap((a) => [
    a.fallback ?? "",
    a.text ?? "",
    ...(a.actions ?? []).map((x) => x.name ?? ""),
  ]);
}

function userIds(m: Message): Set<string> {
  const texts = [m.text];
  for (const b of m.blocks) {
    if (b.type === "section" || b.type === "context") texts.push(b.text);
    if (b.type === "fields") texts.push(...b.fields.map((f) => f.value));
  }
  const ids = new Set<string>();
  for (const t of texts) for (const s of parseMarkup(t)) if (s.kind === "user") ids.add(s.id);
  return ids;
}

let templates: Templates;
beforeAll(async () => {
  templates = await loadTemplates();
});

describe.each(TEMPLATE_NAMES)("%s on Mattermost, with hostile samples", (name) => {
  const render = () => templates.render(name, hostileVars[name] as never);

  it("fits a post and keeps its buttons routable, each carrying its own signed action", () => {
    const m = render();
    const post = toMattermostPost(m, ctx, `outbox:${name}`);
    expect(Array.from(post.message).length).toBeLessThanOrEqual(POST_MESSAGE_MAX);
    const buttons: Button[] = m.blocks.flatMap((b) => (b.type === "actions" ? b.buttons : []));
    const attachments = (post.props.attachments ?? []) as Array<{ actions: Array<Record<string, unknown>> }>;
    const actions = attachments.flatMap((a) => a.actions);
    expect(actions).toHaveLength(buttons.length);
    const ids = actions.map((a) => String(a.id));
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    actions.forEach((a, i) => {
      const b = buttons[i] as Button;
      const integration = a.integration as { url: string; context: unknown };
      expect(integration.url).toBe(ctx.actionsUrl);
      const want =
        b.value === undefined ? { actionId: b.actionId } : { actionId: b.actionId, value: b.value };
      expect(verifyActionContext(ctx.secret, integration.context)).toEqual(want);
    });
  });

  it("mentions only the people the template names, links only to http(s) and mailto, and shows the text", () => {
    const m = render();
    const post = toMattermostPost(m, ctx);
    const allowed = new Set([...userIds(m)].map((id) => `@${id}`));
    for (const word of mentionWords(post.message)) expect(allowed, word).toContain(word);
    // What people read: the message (its code aside, which is shown raw and never notifies) and the
    // attachment's fallback and button names. Button contexts hold raw values but are never shown.
    const readable = [withoutCode(post.message), ...shownInProps(post.props)].join("\n");
    expect(readable).not.toMatch(/@(channel|here|all)\b/i);
    expect(readable).not.toMatch(/<!(channel|here|everyone)/);
    for (const [, target] of post.message.matchAll(/(?<!\\)\]\(([^)]*)\)/g)) {
      expect(target).toMatch(/^(https?:\/\/|mailto:)/i);
      expect(target).not.toContain("evil");
    }
    const shown = [visible(post.message), ...shownInProps(post.props).map(visible)].join("\n");
    expect(shown).toContain(HOSTILE);
  });

  it("answers a slash command within the same limits", () => {
    const response = toCommandResponse(render(), ctx);
    expect(Array.from(String(response.text)).length).toBeLessThanOrEqual(POST_MESSAGE_MAX);
    expect(withoutCode(String(response.text))).not.toMatch(/@(channel|here|all)\b/i);
  });
});
