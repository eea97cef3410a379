import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromSlackText, toMrkdwn } from "../../src/adapters/slack/mrkdwn.js";
import { escapeMarkup, linkRef, parseMarkup, userRef } from "../../src/core/markup.js";

describe("neutral markup", () => {
  it("parses emphasis, mentions, channels and links", () => {
    expect(
      parseMarkup(`*Down* for ${userRef("U1")} in <#C9> see ${linkRef("https://x.io/a b", "runbook")}`),
    ).toEqual([
      { kind: "bold", text: "Down" },
      { kind: "text", text: " for " },
      { kind: "user", id: "U1" },
      { kind: "text", text: " in " },
      { kind: "channel", id: "C9" },
      { kind: "text", text: " see " },
      { kind: "link", url: "https://x.io/a%20b", label: "runbook" },
    ]);
  });

  it("keeps snake_case and unsafe links literal", () => {
    expect(parseMarkup("service_name_here")).toEqual([{ kind: "text", text: "service_name_here" }]);
    expect(parseMarkup("<javascript:alert(1)|x>")).toEqual([
      { kind: "text", text: "<javascript:alert(1)|x>" },
    ]);
  });

  it("escaped text is always literal text, whatever it contains", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const spans = parseMarkup(`*a* ${escapeMarkup(s)} *b*`);
        expect(spans.filter((x) => x.kind !== "text" && x.kind !== "bold")).toEqual([]);
        expect(spans.map((x) => ("text" in x ? x.text : "")).join("")).toBe(`a ${s} b`);
      }),
    );
  });
});

describe("Slack mrkdwn", () => {
  it("renders user text so it cannot ping or link", () => {
    const out = toMrkdwn(`Title: ${escapeMarkup("<!channel> @here <http://evil|click> & *x*")}`);
    expect(out).toBe("Title: &lt;!channel&gt; @here &lt;http://evil|click&gt; &amp; *x*");
    expect(out).not.toMatch(/<[!@#h]/);
  });

  it("renders markup natively", () => {
    expect(toMrkdwn(`*INC-1* for ${userRef("U0ALICE")} ${linkRef("https://a.b/c", "doc")}`)).toBe(
      "*INC-1* for <@U0ALICE> <https://a.b/c|doc>",
    );
  });

  it("turns Slack's escaped command text into the grammar's neutral text", () => {
    expect(
      fromSlackText("open <!channel> down &amp; out <@U0BOB|bob> <#C1|ops> <https://x.io|x.io> &lt;3"),
    ).toBe("open @channel down & out <@U0BOB> #ops x.io <3");
    expect(fromSlackText("<!subteam^S1|@sre> <http://a.io|docs>")).toBe("@sre docs (http://a.io)");
  });
});
