import { describe, expect, it } from "vitest";
import { linkMentions, parseComposer, typedTextToMarkup } from "../../src/adapters/playground/composer.js";
import {
  escapeHtml,
  markupToHtml,
  messageToHtml,
  type RenderNames,
} from "../../src/adapters/playground/render.js";
import { escapeMarkup, linkRef } from "../../src/core/markup.js";

/** The playground's two translations: neutral markup → HTML, and composer text → Inbound text. */

const names: RenderNames = {
  user: (id) => ({ alice: "Alice <A>", bob: "Bob", firebreak: "firebreak" })[id],
  channel: (id) => ({ C1: "inc-1-search" })[id],
};
const known = (id: string) => ["alice", "bob", "firebreak"].includes(id);

describe("markup to HTML", () => {
  it.each([
    ["plain & <b>", "plain &amp; &lt;b&gt;"],
    ["*bold* _it_ `a<b`", "<strong>bold</strong> <em>it</em> <code>a&lt;b</code>"],
    ["<@alice>", '<span class="mention" data-user-id="alice">@Alice &lt;A&gt;</span>'],
    ["<@ghost>", '<span class="mention" data-user-id="ghost">@ghost</span>'],
    ["<#C1>", '<a class="channel-ref" href="#/c/C1" data-channel-id="C1">#inc-1-search</a>'],
    ["<#C404>", '<span class="channel-ref missing">#C404</span>'],
    [
      '<https://x.example/?a=1&b="2"|docs>',
      '<a href="https://x.example/?a=1&amp;b=&quot;2&quot;" target="_blank" rel="noopener noreferrer">docs</a>',
    ],
    [
      "<mailto:a@b.example|mail>",
      '<a href="mailto:a@b.example" target="_blank" rel="noopener noreferrer">mail</a>',
    ],
    ["<javascript:alert(1)|x>", "&lt;javascript:alert(1)|x&gt;"],
    ["<!here> <!channel>", "&lt;!here&gt; &lt;!channel&gt;"],
    [
      escapeMarkup("<script>alert('x')</script> *no*"),
      "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; *no*",
    ],
  ])("%j", (markup, html) => {
    const out = markupToHtml(markup, names);
    expect(out).toBe(html);
    expect(out).not.toMatch(/<script|<a href="javascript:/i);
  });

  it("escapes a label that arrived through linkRef", () => {
    expect(markupToHtml(linkRef("https://a.example/x y", 'say "hi" <b>'), names)).toBe(
      '<a href="https://a.example/x%20y" target="_blank" rel="noopener noreferrer">say &quot;hi&quot; &lt;b&gt;</a>',
    );
  });

  it("escapes every character that matters in text and attributes", () => {
    expect(escapeHtml(`&<>"'`)).toBe("&amp;&lt;&gt;&quot;&#39;");
  });
});

describe("message blocks to HTML", () => {
  it("renders each block type, with plain text kept plain", () => {
    const html = messageToHtml(
      {
        text: "fallback",
        blocks: [
          { type: "header", text: "INC-1 *not bold* <b>" },
          { type: "section", text: "Commander <@bob>" },
          { type: "fields", fields: [{ label: "Sev <1>", value: "*SEV1*" }] },
          { type: "divider" },
          { type: "context", text: "_opened 2m ago_" },
          {
            type: "actions",
            buttons: [
              { actionId: "fbAcknowledge", label: "Ack <now>", value: 'INC-1"x', style: "primary" },
              { actionId: "fbResolve", label: "Resolve", style: "danger" },
            ],
          },
        ],
      },
      names,
    );
    expect(html).toBe(
      [
        '<div class="b-header">INC-1 *not bold* &lt;b&gt;</div>',
        '<div class="b-section">Commander <span class="mention" data-user-id="bob">@Bob</span></div>',
        '<dl class="b-fields"><div><dt>Sev &lt;1&gt;</dt><dd><strong>SEV1</strong></dd></div></dl>',
        '<hr class="b-divider">',
        '<div class="b-context"><em>opened 2m ago</em></div>',
        '<div class="b-actions">',
        '<button type="button" class="btn btn-primary" data-testid="message-button" data-action-id="fbAcknowledge" data-value="INC-1&quot;x">Ack &lt;now&gt;</button>',
        '<button type="button" class="btn btn-danger" data-testid="message-button" data-action-id="fbResolve">Resolve</button>',
        "</div>",
      ].join(""),
    );
  });

  it("shows the fallback text of a message without blocks", () => {
    expect(messageToHtml({ text: "only *text*", blocks: [] }, names)).toBe(
      '<div class="b-section">only <strong>text</strong></div>',
    );
  });
});

describe("composer text", () => {
  const parse = (raw: string) => parseComposer(raw, { botUserId: "firebreak", isKnownUser: known });

  it.each([
    ["/incident open Search is down sev1", { kind: "command", text: "open Search is down sev1" }],
    ["/incident", { kind: "command", text: "" }],
    ["  /incident   commander @bob  ", { kind: "command", text: "commander <@bob>" }],
    ["/incident\nupdate line one\nline two", { kind: "command", text: "update line one\nline two" }],
    ["/incidents list", { kind: "unknown_command", command: "/incidents" }],
    ["/giphy cats", { kind: "unknown_command", command: "/giphy" }],
    ["@firebreak ack", { kind: "mention", text: "ack" }],
    ["@firebreak: handoff @alice, thanks", { kind: "mention", text: "handoff <@alice>, thanks" }],
    ["@firebreak", { kind: "mention", text: "" }],
    ["@firebreaker ack", { kind: "message" }],
    ["hey @firebreak ack", { kind: "message" }],
    ["just talking", { kind: "message" }],
  ])("%j", (raw, expected) => {
    expect(parse(raw)).toEqual(expected);
  });

  it.each([
    ["ping @alice.", "ping <@alice>."],
    ["@bob,@alice", "<@bob>,<@alice>"],
    ["mail bob@alice.example", "mail bob@alice.example"],
    ["@mallory and @Alice", "@mallory and @Alice"],
    ["<@bob> typed by hand", "<@bob> typed by hand"],
  ])("links mentions in %j", (raw, expected) => {
    expect(linkMentions(raw, known)).toBe(expected);
  });

  it("makes a person's own message literal markup except for mentions", () => {
    expect(typedTextToMarkup("hi @alice *x* <!here> @nobody", known)).toBe(
      `hi <@alice> ${escapeMarkup("*x* <!here>")} @nobody`,
    );
  });
});
