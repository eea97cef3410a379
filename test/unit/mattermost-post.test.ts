import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ZWSP } from "../../src/adapters/mattermost/markdown.js";
import {
  carriesKey,
  channelIdsIn,
  KEY_PROP,
  POST_MESSAGE_MAX,
  postKey,
  type RenderContext,
  toCommandResponse,
  toMattermostPost,
} from "../../src/adapters/mattermost/post-render.js";
import { verifyActionContext } from "../../src/adapters/mattermost/signed-context.js";
import { ActionIds } from "../../src/core/action-ids.js";
import { escapeMarkup } from "../../src/core/markup.js";
import type { Button, Message } from "../../src/core/message.js";

const ctx: RenderContext = {
  actionsUrl: "https://bot.example/mattermost/actions",
  secret: "actions-secret-0123456789abcdef",
  channelName: (id) => (id === "c1" ? "incidents" : undefined),
};
const Z = ZWSP;

interface Action {
  id: string;
  type: string;
  name: string;
  style: string;
  integration: { url: string; context: Record<string, unknown> };
}

function actionsOf(props: Record<string, unknown>): Action[] {
  const attachments = props.attachments as Array<{ actions: Action[] }> | undefined;
  return attachments?.flatMap((a) => a.actions) ?? [];
}

function runes(text: string): number {
  return Array.from(text).length;
}

const kickoff: Message = {
  text: "INC-12: Search is down (SEV1)",
  blocks: [
    { type: "header", text: "INC-12 · Search is down" },
    {
      type: "fields",
      fields: [
        { label: "Severity", value: "*SEV1*" },
        { label: "Reported by", value: "<@alice>" },
      ],
    },
    { type: "section", text: "<@bob>, you are the Incident Commander in <#c1>." },
    { type: "divider" },
    { type: "context", text: "Acknowledge with `/incident ack`\nor the button" },
    {
      type: "actions",
      buttons: [
        { actionId: ActionIds.acknowledge, label: "Acknowledge", value: "INC-12", style: "primary" },
        { actionId: ActionIds.postUpdate, label: "Post update", value: "INC-12" },
      ],
    },
  ],
};

describe("a message as a Mattermost post", () => {
  it("writes the text blocks as Markdown: header, fields, sections, divider and a quoted context", () => {
    const post = toMattermostPost(kickoff, ctx);
    expect(post.message).toBe(
      [
        "#### INC-12 · Search is down",
        "**Severity**: **SEV1**\n**Reported by**: @alice",
        `@bob${Z}, you are the Incident Commander in ~incidents${Z}.`,
        "---",
        "> Acknowledge with `/incident ack`\n> or the button",
      ].join("\n\n"),
    );
  });

  it("puts every button in one attachment, each with a route-safe id and a signed context", () => {
    const post = toMattermostPost(kickoff, ctx);
    const attachments = post.props.attachments as Array<Record<string, unknown>>;
    expect(attachments).toHaveLength(1);
    expect(attachments[0]?.fallback).toBe("INC-12: Search is down (SEV1)");
    expect(attachments[0]?.text).toBe("");
    const actions = actionsOf(post.props);
    expect(actions.map((a) => [a.id, a.type, a.name, a.style])).toEqual([
      ["fbAcknowledge0", "button", "Acknowledge", "primary"],
      ["fbPostUpdate1", "button", "Post update", "default"],
    ]);
    for (const a of actions) expect(a.integration.url).toBe(ctx.actionsUrl);
    expect(actions.map((a) => verifyActionContext(ctx.secret, a.integration.context))).toEqual([
      { actionId: ActionIds.acknowledge, value: "INC-12" },
      { actionId: ActionIds.postUpdate, value: "INC-12" },
    ]);
  });

  it("gathers buttons of several action blocks, maps styles, and keeps ids unique and alphanumeric", () => {
    const buttons: Button[] = Array.from({ length: 12 }, (_, i) => ({ actionId: "fb", label: `B${i}` }));
    buttons[1] = { actionId: "fb1", label: "collides with fb at 11", style: "danger" };
    buttons[2] = { actionId: "a-b_c.d", label: "  " };
    buttons[3] = { actionId: "---", label: "odd" };
    const post = toMattermostPost(
      {
        text: "t",
        blocks: [
          { type: "actions", buttons: buttons.slice(0, 6) },
          { type: "section", text: "between" },
          { type: "actions", buttons: buttons.slice(6) },
        ],
      },
      ctx,
    );
    const actions = actionsOf(post.props);
    expect(actions).toHaveLength(12);
    expect((post.props.attachments as unknown[]).length).toBe(1);
    const ids = actions.map((a) => a.id);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]+$/);
    expect(new Set(ids).size).toBe(12);
    expect(ids[2]).toBe("abcd2");
    expect(ids[3]).toBe("action3");
    expect(actions[1]?.style).toBe("danger");
    expect(actions[2]?.name).toBe("a-b_c.d");
    // The real action id travels only in the signed context.
    expect(verifyActionContext(ctx.secret, actions[2]?.integration.context)).toEqual({ actionId: "a-b_c.d" });
    expect(post.message).toBe("between");
  });

  it("shows the message text when the blocks hold no text, and has no props without buttons or key", () => {
    const onlyButtons = toMattermostPost(
      { text: "*Pick* one", blocks: [{ type: "actions", buttons: [{ actionId: "fbX", label: "X" }] }] },
      ctx,
    );
    expect(onlyButtons.message).toBe("**Pick** one");
    const plain = toMattermostPost({ text: "hello <#c1>", blocks: [] }, ctx);
    expect(plain).toEqual({ message: "hello ~incidents", props: {} });
    const emptyBlocks = toMattermostPost(
      {
        text: "fallback",
        blocks: [
          { type: "header", text: "  " },
          { type: "section", text: " " },
        ],
      },
      ctx,
    );
    expect(emptyBlocks.message).toBe("fallback");
  });

  it("writes plain header and label text literally, and keeps a header's trailing # visible", () => {
    const post = toMattermostPost(
      {
        text: "t",
        blocks: [
          { type: "header", text: "Ticket *#42* @here\nnext #" },
          {
            type: "fields",
            fields: [
              { label: "Who_*", value: "a\n- b" },
              { label: "", value: "bare" },
            ],
          },
        ],
      },
      ctx,
    );
    expect(post.message).toBe(
      `#### Ticket \\*\\#42\\* @${Z}here next \\#${Z}\n\n**Who\\_\\***: a\n${Z}- b\nbare`,
    );
  });

  it("keeps hostile text inert in the message, the fallback and buttons' names", () => {
    const hostile = "<!channel> @here *x* <http://evil|click>";
    const post = toMattermostPost(
      {
        text: `Title: ${escapeMarkup(hostile)}`,
        blocks: [
          { type: "section", text: `Title: ${escapeMarkup(hostile)}` },
          { type: "actions", buttons: [{ actionId: "fbX", label: `Cover ${hostile}`, value: hostile }] },
        ],
      },
      ctx,
    );
    expect(post.message).not.toMatch(/@here|<!channel>|\]\(/);
    const fallback = (post.props.attachments as Array<{ fallback: string }>)[0]?.fallback ?? "";
    expect(fallback).toBe(`Title: <${Z}!channel> @${Z}here *x* <${Z}http://evil|click>`);
    const [action] = actionsOf(post.props);
    expect(action?.name).toBe(`Cover <${Z}!channel> @${Z}here *x* <${Z}http://evil|click>`);
    // The value is not shown, and comes back exactly as given.
    expect(verifyActionContext(ctx.secret, action?.integration.context)?.value).toBe(hostile);
  });
});

describe("the outbox key", () => {
  it("is stored as it is when short printable ASCII, else as its SHA-256", () => {
    const sha = (k: string) => `sha256:${createHash("sha256").update(k, "utf8").digest("hex")}`;
    expect(postKey("incident:INC-12:kickoff")).toBe("incident:INC-12:kickoff");
    expect(postKey("k".repeat(200))).toBe("k".repeat(200));
    expect(postKey("k".repeat(201))).toBe(sha("k".repeat(201)));
    expect(postKey("with space")).toBe(sha("with space"));
    expect(postKey("ünï")).toBe(sha("ünï"));
    expect(postKey("sha256:abc")).toBe(sha("sha256:abc"));
  });

  it("marks the post, and carriesKey finds exactly that key", () => {
    const long = `key:${"x".repeat(300)}`;
    for (const key of ["incident:INC-12:kickoff", long, "ünïcødé"]) {
      const post = toMattermostPost(kickoff, ctx, key);
      expect(post.props[KEY_PROP]).toBe(postKey(key));
      expect(String(post.props[KEY_PROP]).length).toBeLessThanOrEqual(200);
      expect(carriesKey(post, key)).toBe(true);
      expect(carriesKey(post, `${key}x`)).toBe(false);
    }
    expect(carriesKey({ props: null }, "k")).toBe(false);
    expect(carriesKey({}, "k")).toBe(false);
    expect(carriesKey(toMattermostPost(kickoff, ctx), "k")).toBe(false);
  });
});

describe("Mattermost's post size", () => {
  it("cuts a message over 16383 runes at a unit, with an ellipsis line", () => {
    const post = toMattermostPost(
      { text: "t", blocks: [{ type: "section", text: "word ".repeat(5000) }] },
      ctx,
    );
    expect(runes(post.message)).toBeLessThanOrEqual(POST_MESSAGE_MAX);
    expect(post.message.endsWith("word\n…")).toBe(true);
  });

  it("counts runes, not UTF-16 units", () => {
    const fire = "🔥".repeat(16000);
    const post = toMattermostPost({ text: "t", blocks: [{ type: "section", text: fire }] }, ctx);
    expect(post.message).toBe(fire);
    expect(post.message.length).toBeGreaterThan(POST_MESSAGE_MAX);
  });

  it("cuts text whose escaping made it long without leaving any of it live", () => {
    const text = escapeMarkup("@here <x> ".repeat(2000));
    const post = toMattermostPost({ text: "t", blocks: [{ type: "section", text }] }, ctx);
    expect(runes(post.message)).toBeLessThanOrEqual(POST_MESSAGE_MAX);
    expect(post.message).not.toMatch(/@here|</);
    expect(post.message.endsWith("\n…")).toBe(true);
  });

  it("drops a code span that does not fit rather than cut it open", () => {
    const text = `${"x".repeat(POST_MESSAGE_MAX - 10)} \`@here and the rest of the code\` after`;
    const post = toMattermostPost({ text: "t", blocks: [{ type: "section", text }] }, ctx);
    expect(runes(post.message)).toBeLessThanOrEqual(POST_MESSAGE_MAX);
    expect(post.message).not.toContain("@here");
    expect(post.message).not.toContain("`");
  });
});

describe("channel references", () => {
  it("are listed from the text, sections, contexts and field values, once each", () => {
    const ids = channelIdsIn({
      text: "<#c1>",
      blocks: [
        { type: "section", text: "<#c2> and <#c1>" },
        { type: "context", text: "<#c3>" },
        { type: "fields", fields: [{ label: "<#no>", value: "<#c4>" }] },
        { type: "header", text: "<#no2>" },
      ],
    });
    expect(ids.sort()).toEqual(["c1", "c2", "c3", "c4"]);
  });
});

describe("a message as a slash command's answer", () => {
  it("is ephemeral Markdown with the buttons in attachments and props, and skips Slack-style parsing", () => {
    const response = toCommandResponse(kickoff, ctx);
    expect(response.response_type).toBe("ephemeral");
    expect(response.text).toBe(toMattermostPost(kickoff, ctx).message);
    expect(response.skip_slack_parsing).toBe(true);
    expect(response.attachments).toEqual(toMattermostPost(kickoff, ctx).props.attachments);
    expect(response.props).toEqual({ attachments: response.attachments });
  });

  it("has no attachments when there are no buttons, and stays within the post size", () => {
    const response = toCommandResponse(
      { text: "x", blocks: [{ type: "section", text: "y".repeat(20000) }] },
      ctx,
    );
    expect(Object.keys(response).sort()).toEqual(["response_type", "skip_slack_parsing", "text"]);
    expect(runes(String(response.text))).toBeLessThanOrEqual(POST_MESSAGE_MAX);
  });
});
