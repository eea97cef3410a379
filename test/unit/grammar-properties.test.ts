import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/core/commands/grammar.js";
import { HELP } from "../../src/core/commands/help.js";
import { CommandSchema } from "../../src/core/commands/schema.js";
import { cleanFreeText, TITLE_MAX } from "../../src/core/commands/text.js";
import { SEVERITIES } from "../../src/core/incident/incident.js";

/** Whatever came in, the result is a valid command or a short, clean usage message. */
function expectTotal(text: string): void {
  const r = parseCommand(text);
  if (r.ok) {
    expect(CommandSchema.safeParse(r.command).success).toBe(true);
    return;
  }
  expect(r.message.length).toBeGreaterThan(0);
  // Quoted input is cut short, so even a 20,000-character paste gives a message a person can read.
  expect(r.message.length).toBeLessThan(1200);
  // One line, no controls, no lone surrogates: the platforms get text they can encode.
  expect(r.message).not.toMatch(/\p{Cc}/u);
  expect(r.message).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
}

const VERBS = [...new Set(HELP.map((e) => e.verb))];

// Pieces a real command is made of, mixed with noise, so the deep paths of each verb get exercised.
const piece = fc.oneof(
  fc.constantFrom(...VERBS, "oncall", "sev", "open", "help"),
  fc.constantFrom(
    "sev0",
    "sev1",
    "SEV2",
    "sev4",
    "sev5",
    "sev99999999999999999999",
    "service:",
    "service:Search",
  ),
  fc.constantFrom("<@U0ALICE>", "<@U0BOB|bob>", "@here", "<!channel>", "<@>", "<https://x.example|x y>"),
  fc.constantFrom(
    "2026-11-21",
    "09:00",
    "2026-11-21T09:00",
    "2026-02-30T09:00",
    "2026-11-21T09:00+14:00",
    "Z",
  ),
  fc.constantFrom("INC-1", "INC-0", "inc-99999999999", "30m", "1h", "0s", "1", "52", "53w", "deadbeef"),
  fc.string({ unit: "binary", maxLength: 12 }),
);
const separator = fc.constantFrom(" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u0000", "");
const structured = fc
  .array(fc.tuple(piece, separator), { maxLength: 12 })
  .map((parts) => parts.map(([p, s]) => p + s).join(""));

// UTF-16 units one at a time, so lone surrogates turn up too.
const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)) });

describe("parseCommand never throws", () => {
  it("for any string of code points", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => expectTotal(s)),
      { numRuns: 1000 },
    );
  });

  it("for any string of UTF-16 units, lone surrogates and controls included", () => {
    fc.assert(
      fc.property(anyUnits, (s) => expectTotal(s)),
      { numRuns: 1000 },
    );
  });

  it("for graphemes (emoji, combining marks, scripts) after every verb", () => {
    fc.assert(
      fc.property(fc.constantFrom(...VERBS), fc.string({ unit: "grapheme" }), (verb, s) =>
        expectTotal(`${verb} ${s}`),
      ),
      { numRuns: 1000 },
    );
  });

  it("for commands assembled from real pieces and noise", () => {
    fc.assert(
      fc.property(structured, (s) => expectTotal(s)),
      { numRuns: 3000 },
    );
  });

  it("for very long strings", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("", "open ", "note ", "update ", "oncall override <@U1> ", "zz "),
        fc.string({ unit: "binary", minLength: 2000, maxLength: 30_000 }),
        (verb, s) => expectTotal(verb + s),
      ),
      { numRuns: 60 },
    );
  });
});

// A title word: anything without whitespace or control characters that is not itself an option.
const OPTION_LIKE = /^(sev\d+|service:.*)$/is;
const titleWord = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 12 })
  .filter((w) => !/\s/.test(w) && cleanFreeText(w) === w && !OPTION_LIKE.test(w));
const serviceId = fc.stringMatching(/^[a-z0-9_-]{1,20}$/);

describe("open round-trips", () => {
  it("title, severity and service, wherever the options stand and however they are cased", () => {
    fc.assert(
      fc.property(
        fc
          .array(titleWord, { minLength: 1, maxLength: 15 })
          .filter((ws) => Array.from(ws.join(" ")).length <= TITLE_MAX),
        fc.option(fc.constantFrom(...SEVERITIES), { nil: undefined }),
        fc.option(serviceId, { nil: undefined }),
        fc.constantFrom("open", "OPEN", "Open"),
        fc.array(fc.nat(), { minLength: 2, maxLength: 2 }),
        fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
        fc.array(
          separator.filter((s) => s !== "" && s !== "\u0000"),
          { minLength: 20, maxLength: 20 },
        ),
        (words, severity, service, verb, [sevAt = 0, svcAt = 0], [upperSev, upperSvc], seps) => {
          // Tokens: the verb then the title; each option is spliced in at any position, the very front included.
          const tokens = [verb, ...words];
          if (severity)
            tokens.splice(sevAt % (tokens.length + 1), 0, upperSev ? severity.toUpperCase() : severity);
          if (service)
            tokens.splice(svcAt % (tokens.length + 1), 0, `${upperSvc ? "SERVICE" : "service"}:${service}`);
          const text = tokens.map((t, i) => t + (seps[i] ?? " ")).join("");
          const r = parseCommand(text);
          expect(r).toStrictEqual({
            ok: true,
            command: {
              name: "open",
              title: words.join(" "),
              ...(severity && { severity }),
              ...(service && { service }),
            },
          });
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("free text round-trips", () => {
  it("a note is the typed text, cleaned and nothing else", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (s) => {
        const r = parseCommand(`note ${s}`);
        const cleaned = cleanFreeText(s);
        if (cleaned === "") {
          expect(r.ok).toBe(false);
        } else {
          expect(r).toStrictEqual({ ok: true, command: { name: "note", text: cleaned } });
        }
      }),
      { numRuns: 1000 },
    );
  });
});
