import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  escapeMarkdown,
  escapeMarkdownWithin,
  fromMattermostCommandText,
  fromMattermostMessage,
  isBroadcastName,
  mentionCandidates,
  toMattermostMarkdown,
  validUsername,
  ZWSP,
} from "../../src/adapters/mattermost/markdown.js";
import { escapeMarkup, linkRef, markupToPlain, parseMarkup } from "../../src/core/markup.js";

const names = (id: string) => ({ C1: "incidents", C2: "town-square", BAD: "Not A Name" })[id];
const md = (neutral: string) => toMattermostMarkdown(neutral, names);
/** The Markdown for literal text, as a template holding `text` typed by a person produces it. */
const literal = (text: string) => md(escapeMarkup(text));
const Z = ZWSP;

/**
 * What a CommonMark reader (the mobile apps) shows for inline text: backslash escapes of ASCII punctuation
 * and the entities the renderer writes are decoded; the zero-width space is invisible.
 */
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

/** marked (the web app) honours only these escapes; `\x` before anything else shows the backslash. */
const MARKED_ESCAPES = new Set("`*{}[]()#+-.!_>|~".split(""));

/**
 * Where marked and CommonMark would disagree about a backslash: `\@` hides it in one and shows it in the
 * other. Returns the offending index, or -1 when every backslash reads the same in both.
 */
function escapeDisagreement(markdown: string): number {
  for (let i = 0; i < markdown.length; i++) {
    if (markdown[i] !== "\\") continue;
    const next = markdown[i + 1];
    if (next === undefined || /[A-Za-z0-9]/.test(next) || !/[!-/:-@[-`{-~]/.test(next)) continue;
    if (MARKED_ESCAPES.has(next)) i++;
    else if (next === "\\" && !/\w/.test(markdown[i + 2] ?? "")) i++;
    else return i;
  }
  return -1;
}

/** The words the server reads mentions from: it splits at anything but letters, digits and `:._-@`. */
function serverWords(markdown: string): string[] {
  return markdown.split(/[^\p{L}\p{N}:._@-]+/u).filter(Boolean);
}

/** Characters that make Markdown, mentions or HTML, with ordinary text and a little Unicode. */
const hostileChar = fc.constantFrom(
  ..."\\*_`[]()#>|~@<>&$!:;.-+=0123456789 \t\n".split(""),
  ..."aAzZ".split(""),
  "here",
  "channel",
  "all",
  "&lt;",
  "&#36;",
  "1. ",
  "é",
  "🔥",
  "http://x.io/",
);
const hostileText = fc.array(hostileChar, { maxLength: 60 }).map((parts) => parts.join(""));

describe("neutral markup as Mattermost Markdown", () => {
  it("renders emphasis, code, mentions, channels and links natively", () => {
    expect(md("*Down* for <@alice>, _see_ `ack` in <#C1>")).toBe(
      `**Down** for @alice${Z}, _see_ \`ack\` in ~incidents`,
    );
    expect(md(`read ${linkRef("https://wiki.example/run book(1)", "the runbook")}`)).toBe(
      "read [the runbook](https://wiki.example/run%20book%281%29)",
    );
    expect(md(`mail ${linkRef("mailto:oncall@example.com", "on-call")}`)).toBe(
      "mail [on-call](mailto:oncall@example.com)",
    );
  });

  it("shows an unknown channel (or a name that is not one) as its id in code", () => {
    expect(md("in <#C9>")).toBe("in `C9`");
    expect(md("in <#BAD>")).toBe("in `BAD`");
  });

  it("keeps literal text literal: markup, mentions, broadcasts and links stay the characters typed", () => {
    const out = literal("<!channel> @here *x* <http://evil|click>");
    expect(out).toBe(`&lt;!channel\\> @${Z}here \\*x\\* &lt;http://evil\\|click\\>`);
    expect(visible(out)).toBe(`<!channel> @here *x* <http://evil|click>`);
    expect(out).not.toMatch(/@here|<!|\]\(/);
  });

  it.each([
    ["*bold* _it_ `code`", "\\*bold\\* \\_it\\_ &#96;code&#96;"],
    ["[x](javascript:alert(1))", "\\[x\\]\\(javascript:alert\\(1\\)\\)"],
    ["# heading", "\\# heading"],
    ["> quote", "\\> quote"],
    ["a | b", "a \\| b"],
    ["~~gone~~ ~town-square", `\\~${Z}\\~${Z}gone\\~${Z}\\~${Z} \\~${Z}town-square`],
    ["@alice @all", `@${Z}alice @${Z}all`],
    ["<b>hi</b>", "&lt;b\\>hi&lt;/b\\>"],
    ["&lt; &amp; & R&D", "&amp;lt; &amp;amp; & R&D"],
    ["costs $5 or $x$", "costs &#36;5 or &#36;x&#36;"],
    ["path\\to \\n \\* end\\", "path\\to \\n \\\\\\* end\\\\"],
  ])("escapes %j", (text, want) => {
    expect(literal(text)).toBe(want);
    expect(visible(want)).toBe(text);
  });

  it("keeps a line that starts like a list, rule, heading underline or code block from being one", () => {
    const out = literal("- one\n+ two\n1. three\n2) four\n---\n===\n    code\n\tcode\nplain");
    expect(out.split("\n")).toEqual([
      `${Z}- one`,
      `${Z}+ two`,
      `${Z}1. three`,
      `${Z}2\\) four`,
      `${Z}---`,
      `${Z}===`,
      `${Z}    code`,
      `${Z}\tcode`,
      "plain",
    ]);
  });

  it("guards a line start only where a line starts", () => {
    expect(md(`*INC-1* ${escapeMarkup("- not a list")}`)).toBe("**INC-1** - not a list");
    expect(md(`*INC-1*\n${escapeMarkup("- a list?")}`)).toBe(`**INC-1**\n${Z}- a list?`);
  });

  it("ends a mention before a character that would lengthen the name", () => {
    expect(md("<@alice>_x <@alice>. <@alice> ok <@alice>")).toBe(
      `@alice${Z}\\_x @alice${Z}. @alice ok @alice`,
    );
    expect(md("<#C1>-x")).toBe(`~incidents${Z}-x`);
  });

  it("never renders a reference to a broadcast name as a mention", () => {
    for (const id of ["here", "channel", "all", "ALL", "here.", "all-", "channel_"]) {
      expect(isBroadcastName(id)).toBe(true);
      const out = md(`<@${id}> ok`);
      expect(out.startsWith(`@${Z}`), out).toBe(true);
    }
    expect(isBroadcastName("alice")).toBe(false);
    expect(isBroadcastName("hereford")).toBe(false);
  });

  it("writes code spans so the server pairs their backticks exactly", () => {
    expect(md("`a\\`b` x")).toBe("`a\u02cbb` x");
    expect(md("`one``two`")).toBe(`\`one\`${Z}\`two\``);
    // Code is shown raw and the server skips it when looking for mentions, so commands keep their `@`.
    expect(md("`/incident commander @you`")).toBe("`/incident commander @you`");
  });

  it("writes a link's label as literal text and its target as one destination that names nobody", () => {
    expect(md("<https://x.io/a)b|*not bold* @here [x]>")).toBe(
      `[\\*not bold\\* @${Z}here &#91;x&#93;](https://x.io/a%29b)`,
    );
    expect(md("<https://x.io/@here/p?u=@all|x>")).toBe("[x](https://x.io/%40here/p?u=%40all)");
    expect(md("<https://user@x.io|x>")).toBe("[x](https://user@x.io)");
    expect(md("<https://x.io/`a\\\\b|x>")).toBe("[x](https://x.io/%60a%5Cb)");
  });

  it("moves spaces out of emphasis, where Markdown would not see the markers", () => {
    expect(md("* padded *")).toBe(" **padded** ");
    expect(md("_it_s")).toBe("*it*s");
  });
});

describe("literal text, whatever it holds (properties)", () => {
  it("shows exactly the characters typed to a CommonMark reader", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        expect(visible(literal(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it("uses only escapes marked and CommonMark read the same way", () => {
    fc.assert(
      fc.property(hostileText, fc.string(), (text, other) => {
        for (const s of [text, other]) {
          const out = literal(s);
          expect(escapeDisagreement(out), out).toBe(-1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("never lets an @ or ~ start a mention, for the web app or the server", () => {
    fc.assert(
      fc.property(hostileText, fc.string(), (text, other) => {
        for (const s of [text, other]) {
          const out = md(`*${escapeMarkup(s)}* ${escapeMarkup(s)} <https://x.io|${escapeMarkup(s)}>`);
          expect(out).not.toMatch(/[@~][\p{L}\p{N}]/u);
          for (const word of serverWords(out))
            expect(word.startsWith("@") && word.length > 1, word).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("never starts a line with block Markdown, writes no raw < $ or backtick, and makes no link", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const out = literal(text);
        for (const line of out.split("\n"))
          expect(line, JSON.stringify(line)).not.toMatch(/^(?:[ \t\-+=*_>#|`~<]|\d+[.)])/);
        expect(out).not.toMatch(/[<`$]/);
        expect(out).not.toMatch(/(?<!\\)\]\(/);
      }),
      { numRuns: 500 },
    );
  });

  it("escapes the same way on its own as inside a message", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        expect(escapeMarkdown(text, true)).toBe(literal(text));
      }),
    );
  });
});

/** A directory of the people in these tests: who `isPerson` says exists. */
const PEOPLE = new Set(["alice", "bob", "bob.smith", "dana-2", "firebreak"]);
const typed = (text: string) => fromMattermostCommandText(text, (name) => PEOPLE.has(name));

describe("literal text within a limit (a channel header)", () => {
  it("keeps whole escapes: what fits of the text, never half an escape, entity or guard", () => {
    expect(escapeMarkdownWithin("a*b", 2)).toBe("a");
    expect(escapeMarkdownWithin("a*b", 3)).toBe("a\\*");
    expect(escapeMarkdownWithin("a*b", 4)).toBe("a\\*b");
    expect(escapeMarkdownWithin("@here", 1)).toBe("");
    expect(escapeMarkdownWithin("@here", 2)).toBe(`@${Z}`);
    expect(escapeMarkdownWithin("- item", 10)).toBe(`${Z}- item`);
  });

  it("is the escaped text whole when it fits, else a prefix of it within the limit (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 80 }),
        fc.integer({ min: 0, max: 200 }),
        (t, max) => {
          const whole = escapeMarkdown(t, true);
          const cut = escapeMarkdownWithin(t, max);
          expect(Array.from(cut).length).toBeLessThanOrEqual(max);
          expect(whole.startsWith(cut)).toBe(true);
          if (Array.from(whole).length <= max) expect(cut).toBe(whole);
          // What is kept reads as a prefix of the text: nothing half-escaped becomes visible.
          expect(t.startsWith(visible(cut))).toBe(true);
        },
      ),
    );
  });
});

describe("usernames", () => {
  it("are what the server can hold: 1 to 64 of a-z 0-9 . _ -, not reserved, not a path step", () => {
    for (const ok of ["alice", "a", "bob.smith", "x_y-z", "1", "a".repeat(64)])
      expect(validUsername(ok)).toBe(true);
    for (const bad of [
      "",
      "Alice",
      "all",
      "channel",
      "system",
      "matterbot",
      ".",
      "..",
      "a b",
      "a/b",
      "é",
      "a".repeat(65),
    ]) {
      expect(validUsername(bad), bad).toBe(false);
    }
  });

  it("reserved names are never a candidate for a person", () => {
    expect(mentionCandidates("@system @matterbot @dana")).toEqual(["dana"]);
  });
});

describe("what people type to the bot, as the command text the grammar reads", () => {
  it("keeps every character as typed and turns only mentions of people into <@username>", () => {
    expect(typed("open *db* is _slow_ `x` for @bob, C:\\temp \\ 2*3 <#C1> ~general")).toBe(
      "open *db* is _slow_ `x` for <@bob>, C:\\temp \\ 2*3 <#C1> ~general",
    );
    expect(typed("assign @alice and @bob.smith.")).toBe("assign <@alice> and <@bob.smith>.");
    expect(typed("@Dana-2, see ~town-square")).toBe("<@dana-2>, see ~town-square");
  });

  it("leaves an @ that names nobody as typed: addresses, unknown names, broadcasts, a lone @", () => {
    expect(typed("note mail ops@example.com or ask @nobody")).toBe(
      "note mail ops@example.com or ask @nobody",
    );
    expect(typed("@here @Channel @all. @ @. @_x @-y x_@bob")).toBe(
      "@here @Channel @all. @ @. @_x @-y x_@bob",
    );
  });

  it("asks about the whole name first, then without trailing punctuation, as Mattermost looks names up", () => {
    const asked: string[] = [];
    fromMattermostCommandText("ping @Bob.Smith.. now", (name) => {
      asked.push(name);
      return false;
    });
    expect(asked).toEqual(["bob.smith..", "bob.smith.", "bob.smith"]);
    // A name that is a person as a whole is not cut short: bob.smith, not bob.
    expect(typed("@bob.smith.")).toBe("<@bob.smith>.");
    expect(typed("@bob...")).toBe("<@bob>...");
  });

  it("takes `:` as part of the name, as the server does, so `@bob:` and a remote `@bob:acme` name nobody", () => {
    expect(typed("@bob: take it, or @bob:acme")).toBe("@bob: take it, or @bob:acme");
    expect(mentionCandidates("@bob: or @bob:acme")).toEqual([]);
  });

  it("after a mention, an @ that follows without a space stays text (the server reads it as inside a word)", () => {
    expect(typed("@alice@bob")).toBe("<@alice>@bob");
  });

  it("lists the names a caller must look up first, each once, never a broadcast", () => {
    expect(mentionCandidates("@Bob and @bob. and @here, mail x@y.io, @dana-2_")).toEqual([
      "bob",
      "bob.",
      "dana-2_",
      "dana-2",
    ]);
    expect(mentionCandidates(`@${"a".repeat(65)}`)).toEqual([]);
  });

  const typedParts = (...extra: string[]) =>
    fc
      .array(
        fc.constantFrom(..."ab9._-:@~ *_`\\|\n".split(""), "@alice", "@Bob", "@nobody", "@here", ...extra),
        {
          maxLength: 40,
        },
      )
      .map((parts) => parts.join(""));

  it("changes nothing at all when nobody is named (property)", () => {
    fc.assert(
      fc.property(typedParts("<", ">", "<@bob>", "x@y.io"), (t) => {
        expect(fromMattermostCommandText(t, () => false)).toBe(t);
      }),
      { numRuns: 500 },
    );
  });

  it("changes nothing but the mentions of people (property)", () => {
    fc.assert(
      fc.property(typedParts("x@y.io"), (t) => {
        const out = typed(t);
        for (const m of out.matchAll(/<@([^>]*)>/g)) expect(PEOPLE.has(m[1] as string)).toBe(true);
        // Undoing the mentions gives back exactly what was typed, but for the case of the names.
        expect(out.replace(/<@([a-z0-9._-]+)>/g, "@$1").toLowerCase()).toBe(t.toLowerCase());
        if (!/@(alice|bob)/i.test(t)) expect(out).toBe(t);
      }),
      { numRuns: 500 },
    );
  });
});

describe("a post read back, as neutral markup", () => {
  it("turns @username into a mention and escapes everything else", () => {
    expect(fromMattermostMessage("assign @alice and @bob.smith.")).toBe("assign <@alice> and <@bob.smith>.");
    expect(fromMattermostMessage("@Dana-2, see ~town-square *now* <@x> `c` a\\b")).toBe(
      "<@dana-2>, see ~town-square \\*now\\* \\<<@x>\\> \\`c\\` a\\\\b",
    );
  });

  it("leaves email addresses, a lone @ and broadcasts as text", () => {
    expect(fromMattermostMessage("mail bob@example.com @ @. @here @Channel @all.")).toBe(
      "mail bob@example.com @ @. @here @Channel @all.",
    );
    expect(parseMarkup(fromMattermostMessage("@_x @-y")).every((s) => s.kind === "text")).toBe(true);
  });

  it("keeps the visible text and makes only mentions of real-looking usernames (property)", () => {
    const typedText = fc
      .array(fc.constantFrom(..."ab9._-@~ *_`<>\\|\n".split(""), "@alice", "@here", "x@y.io", "@all."), {
        maxLength: 40,
      })
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(typedText, (text) => {
        const neutral = fromMattermostMessage(text);
        expect(markupToPlain(neutral)).toBe(text);
        for (const span of parseMarkup(neutral)) {
          expect(["text", "user"]).toContain(span.kind);
          if (span.kind === "user") {
            expect(span.id).toMatch(/^[a-z0-9][a-z0-9._-]*$/);
            expect(span.id.endsWith(".")).toBe(false);
            expect(isBroadcastName(span.id)).toBe(false);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it("keeps the visible text whatever the case, lower-casing only the names it mentions (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        expect(markupToPlain(fromMattermostMessage(text)).toLowerCase()).toBe(text.toLowerCase());
      }),
    );
  });
});
