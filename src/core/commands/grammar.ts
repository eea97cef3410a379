/**
 * The command grammar of DESIGN.md §5: the text after `/incident` (or after a mention of the bot) becomes a
 * typed `Command`, or a short usage message for the sender. It never throws: every input string, however
 * strange, gets one of the two, because an exception here would reach the person as an internal error id.
 *
 * The adapter has already normalised mentions to `<@USERID>`; everything else is plain text as typed.
 */

import { parseDuration } from "../duration.js";
import {
  INCIDENT_STATES,
  type IncidentKind,
  type IncidentState,
  parseIncidentId,
  SEVERITIES,
  type Severity,
} from "../incident/incident.js";
import { DEFAULT_INVOCATION, HELP, usageLine } from "./help.js";
import { type Command, CommandSchema, ID_PATTERN, PLAN_WEEKS_MAX } from "./schema.js";
import { SEVERITY_NAMES } from "./severity-names.js";
import { closeMatches, orList } from "./suggest.js";
import { cleanFreeText, parseFreeText, parseTitle, quote, TEXT_MAX, TITLE_MAX } from "./text.js";
import { readTime, type TypedTime } from "./time.js";

export type ParseErrorCode =
  /** The verb is known but the rest does not fit its form. */
  | "usage"
  /** The first word is not a verb. */
  | "unknown_command"
  /** A severity outside sev1–sev4. */
  | "unknown_severity"
  /** A title or text over its limit, or input too long to be a command at all. */
  | "too_long";

export type ParseResult =
  | { ok: true; command: Command }
  /**
   * `message` is plain text for the sender only: what is wrong and the right form. It quotes what they typed,
   * so render it escaped (as every template variable is), never as markup.
   */
  | {
      ok: false;
      code: ParseErrorCode;
      message: string;
      /** Set when `message` already tells the person to try `help`, so nobody adds a second such hint. */
      pointsToHelp?: true;
    };

export interface ParseOptions {
  /** How the person invoked the bot, for the usage messages: `/incident` (default) or `@firebreak`. */
  invocation?: string;
}

// Far above any valid command (3000 characters are at most 6,000 UTF-16 units), and low enough that nothing
// below does real work on a pasted log file.
const MAX_INPUT = 20_000;

const SEVERITY_OPTIONS = SEVERITIES.map((sev) => `${sev} (${SEVERITY_NAMES[sev]})`);
/** "sev1 (critical), sev2 (major), sev3 (moderate) or sev4 (minor)". */
const SEVERITY_CHOICES = `${SEVERITY_OPTIONS.slice(0, -1).join(", ")} or ${SEVERITY_OPTIONS.at(-1)}`;

const SEV_OPTION = /^sev(\d+)$/i;
const SERVICE_OPTION = /^service:(.*)$/is;
const KIND_OPTION = /^kind:(.*)$/is;
/** `visibility:private` keeps an incident off the public status page (a bare word would eat titles). */
const VISIBILITY_OPTION = /^visibility:(.*)$/is;
/** How people write the kinds: the stored name, or its first word. */
const KIND_NAMES: Record<string, IncidentKind> = {
  incident: "incident",
  change: "change_request",
  change_request: "change_request",
  "change-request": "change_request",
  guidance: "guidance_request",
  guidance_request: "guidance_request",
  "guidance-request": "guidance_request",
};
const MENTION = /^<@([A-Za-z0-9._-]{1,64})(?:\|[^>]*)?>$/;
const SHA = /^[0-9a-f]{7,64}$/i;
const DURATION_PART = /^\d+[smhdw]$/i;

/** The verbs people type first; `oncall …` sub-commands are read by the `oncall` verb. */
const VERBS = [...new Set(HELP.map((e) => e.verb.split(" ")[0] as string))];
const ONCALL_SUBCOMMANDS = ["override", "overrides", "swap", "cover", "away", "plan", "calendar"] as const;

interface Token {
  text: string;
  start: number;
  end: number;
}

interface Ctx {
  /** The whole input after cleaning; free text is sliced from it so inner spacing and lines survive. */
  src: string;
  /** The tokens after the verb (for `open`, after the options were taken out as well). */
  args: Token[];
  invocation: string;
}

type Failure = Extract<ParseResult, { ok: false }>;

function fail(code: ParseErrorCode, message: string): Failure {
  return { ok: false, code, message };
}

function usage(ctx: Ctx, verb: string, problem?: string, code: ParseErrorCode = "usage"): Failure {
  return fail(code, `${problem ? `${problem} ` : ""}${usageLine(verb, ctx.invocation)}`);
}

/** The final word on the shape is the schema's; a mismatch here is a grammar bug, reported as a usage message. */
function finish(ctx: Ctx, verb: string, candidate: Command): ParseResult {
  const parsed = CommandSchema.safeParse(candidate);
  if (!parsed.success) return usage(ctx, verb, "I could not read that.");
  return { ok: true, command: parsed.data };
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  for (const m of src.matchAll(/\S+/g)) {
    tokens.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return tokens;
}

/** The text from `tokens[from]` to the end, as typed (after cleaning); "" when there is none. */
function textFrom(ctx: Ctx, from: number, to = ctx.args.length): string {
  const first = ctx.args[from];
  const last = ctx.args[to - 1];
  if (!first || !last || to <= from) return "";
  return ctx.src.slice(first.start, last.end);
}

function mention(token: Token | undefined): string | null {
  const m = token ? MENTION.exec(token.text) : null;
  return m ? (m[1] as string) : null;
}

function notAMentionHint(token: Token | undefined): string {
  if (!token) return "Mention the person:";
  if (token.text.startsWith("@")) {
    return `${quote(token.text)} is not a mention I can read: type @ and pick the person from the list.`;
  }
  return `${quote(token.text)} is not a mention of a person.`;
}

function configId(text: string): string | null {
  const id = text.toLowerCase();
  return ID_PATTERN.test(id) ? id : null;
}

function idHint(text: string, what: string): string {
  return `${quote(text)} is not a ${what} id: ids are lowercase letters, digits, \`-\` and \`_\`.`;
}

/** Reads `sev2`, `SEV2` or `2` (for `sev <1-4>`); an out-of-range number is an unknown severity. */
function severityOf(text: string, bareNumber: boolean): Severity | "unknown" | null {
  const m = SEV_OPTION.exec(text) ?? (bareNumber ? /^(\d+)$/.exec(text) : null);
  if (!m) return null;
  const digits = (m[1] as string).replace(/^0+(?=\d)/, "");
  const sev = `sev${digits}`;
  return sev in SEVERITY_NAMES ? (sev as Severity) : "unknown";
}

function unknownSeverity(ctx: Ctx, verb: string, typed: string): Failure {
  return usage(ctx, verb, `Unknown severity ${quote(typed)}: use ${SEVERITY_CHOICES}.`, "unknown_severity");
}

function noArgs<N extends Command["name"]>(ctx: Ctx, verb: string, name: N): ParseResult {
  if (ctx.args.length > 0) return usage(ctx, verb, `\`${verb}\` takes nothing after it.`);
  return finish(ctx, verb, { name } as Command);
}

/** Free text that the command requires (`update`, `note`, …). */
function requiredText(ctx: Ctx, verb: string, what: string, from = 0, to?: number): string | Failure {
  const t = parseFreeText(textFrom(ctx, from, to), what);
  if (!t.ok) return usage(ctx, verb, t.message, "too_long");
  if (!t.text) return usage(ctx, verb);
  return t.text;
}

/** Free text the command may go without (`resolve`, `handoff`); undefined when there is none. */
function optionalText(ctx: Ctx, verb: string, what: string, from: number): string | undefined | Failure {
  const t = parseFreeText(textFrom(ctx, from), what);
  if (!t.ok) return usage(ctx, verb, t.message, "too_long");
  return t.text || undefined;
}

const isFailure = (x: unknown): x is Failure =>
  typeof x === "object" && x !== null && (x as { ok?: unknown }).ok === false;

// ---- open ---------------------------------------------------------------------------------------------

function isOption(token: Token): boolean {
  return (
    SEV_OPTION.test(token.text) ||
    SERVICE_OPTION.test(token.text) ||
    KIND_OPTION.test(token.text) ||
    VISIBILITY_OPTION.test(token.text)
  );
}

/** `open <title> [sevN] [service:<id>] [kind:<kind>]`, the options anywhere, before the verb too. */
function parseOpen(ctx: Ctx, options: Token[]): ParseResult {
  if (ctx.args.length === 0 && options.length === 0) return finish(ctx, "open", { name: "open_form" });
  let severity: Severity | undefined;
  let service: string | undefined;
  let kind: IncidentKind | undefined;
  let isPrivate = false;
  for (const opt of options) {
    const visibility = VISIBILITY_OPTION.exec(opt.text);
    if (visibility) {
      const v = (visibility[1] ?? "").toLowerCase();
      if (v !== "private" && v !== "public") {
        return usage(
          ctx,
          "open",
          `${quote(opt.text)} is not a visibility: write \`visibility:private\` to keep the incident off the public status page (leave it out for a public one).`,
        );
      }
      isPrivate = v === "private";
      continue;
    }
    const kindMatch = KIND_OPTION.exec(opt.text);
    if (kindMatch) {
      const named = KIND_NAMES[(kindMatch[1] ?? "").toLowerCase()];
      if (!named) {
        return usage(
          ctx,
          "open",
          `${quote(opt.text)} is not a kind: write \`kind:change\` for a change request or \`kind:guidance\` for a guidance request (leave it out for an incident).`,
        );
      }
      if (kind && kind !== named) return usage(ctx, "open", `Two kinds (${kind} and ${named}): give one.`);
      kind = named;
      continue;
    }
    const sev = severityOf(opt.text, false);
    if (sev === "unknown") return unknownSeverity(ctx, "open", opt.text);
    if (sev) {
      if (severity && severity !== sev) {
        return usage(ctx, "open", `Two severities (${severity} and ${sev}): give one.`);
      }
      severity = sev;
      continue;
    }
    const raw = (SERVICE_OPTION.exec(opt.text)?.[1] as string | undefined) ?? "";
    if (!raw) {
      return usage(ctx, "open", "`service:` needs the id right after the colon, e.g. `service:search`.");
    }
    const id = configId(raw);
    if (!id) return usage(ctx, "open", idHint(raw, "service"));
    if (service && service !== id)
      return usage(ctx, "open", `Two services (${service} and ${id}): give one.`);
    service = id;
  }
  if (ctx.args.length === 0) {
    return usage(
      ctx,
      "open",
      `An incident needs a title (or send \`${ctx.invocation} open\` on its own to fill in a form).`,
    );
  }
  // Tokens are never blank, so the only way a title fails from here is its length.
  const title = parseTitle(ctx.args.map((t) => t.text).join(" "));
  if (!title.ok) return usage(ctx, "open", title.message, "too_long");
  return finish(ctx, "open", {
    name: "open",
    title: title.text,
    ...(severity && { severity }),
    ...(service && { service }),
    ...(kind && kind !== "incident" && { kind }),
    ...(isPrivate && { private: true }),
  });
}

/** `visibility <public|private>`: whether the incident shows on the public status page. */
function parseVisibility(ctx: Ctx): ParseResult {
  const [arg, extra] = ctx.args;
  const v = arg?.text.toLowerCase();
  if (!arg || extra || (v !== "public" && v !== "private")) return usage(ctx, "visibility");
  return finish(ctx, "visibility", { name: "visibility", private: v === "private" });
}

/**
 * `followup <text> [@owner]`, `followup done <n>`, `followup reopen <n>`. A first word `done` or `reopen` is
 * always the sub-command: `followup done two` is a mistyped `followup done 2`, never a follow-up called
 * "done two", so anything but one number from 1 gets that sub-command's usage.
 */
function parseFollowupVerb(ctx: Ctx): ParseResult {
  const [first, second, extra] = ctx.args;
  const sub = first?.text.toLowerCase();
  if (sub !== "done" && sub !== "reopen") return parseFollowup(ctx);
  const verb = `followup ${sub}`;
  const n = second && !extra && /^#?\d{1,4}$/.test(second.text) ? Number(second.text.replace("#", "")) : 0;
  if (n < 1) {
    return usage(
      ctx,
      verb,
      second ? "Give the number of one follow-up (`followups` lists them)." : undefined,
    );
  }
  return finish(ctx, verb, { name: sub === "done" ? "followup_done" : "followup_reopen", n });
}

// ---- incident verbs -------------------------------------------------------------------------------------

function parseSev(ctx: Ctx): ParseResult {
  const [arg, extra] = ctx.args;
  if (!arg || extra) return usage(ctx, "sev");
  const sev = severityOf(arg.text, true);
  if (sev === "unknown") return unknownSeverity(ctx, "sev", arg.text);
  if (!sev) return usage(ctx, "sev", `${quote(arg.text)} is not a severity.`);
  return finish(ctx, "sev", { name: "sev", severity: sev });
}

function parseStatus(ctx: Ctx): ParseResult {
  if (ctx.args.length === 0) return usage(ctx, "status", `The states are ${orList(INCIDENT_STATES)}.`);
  // `fix-merged` and `fix merged` are how people write fix_merged.
  const typed = ctx.args
    .map((t) => t.text.toLowerCase())
    .join("_")
    .replace(/-/g, "_");
  if ((INCIDENT_STATES as readonly string[]).includes(typed)) {
    return finish(ctx, "status", { name: "status", state: typed as IncidentState });
  }
  const near = closeMatches(typed, INCIDENT_STATES);
  const hint = near.length > 0 ? ` Did you mean ${orList(near)}?` : "";
  return usage(
    ctx,
    "status",
    `Unknown state ${quote(textFrom(ctx, 0))}.${hint} The states are ${orList(INCIDENT_STATES)}.`,
  );
}

function parseFix(ctx: Ctx): ParseResult {
  const all = textFrom(ctx, 0);
  if (!all) return usage(ctx, "fix");
  // Slack wraps links it recognised as `<url>` or `<url|label>`, and a label may hold spaces; take the url.
  const wrapped = /^<([^|>\s]+)(?:\|[^>]*)?>$/.exec(all);
  if (!wrapped && ctx.args.length > 1) return usage(ctx, "fix", "Give one link or one sha.");
  const ref = wrapped ? (wrapped[1] as string) : all;
  if (SHA.test(ref)) return finish(ctx, "fix", { name: "fix", ref: ref.toLowerCase(), refKind: "sha" });
  if (/^https?:\/\//i.test(ref) && ref.length <= 2000 && URL.canParse(ref)) {
    return finish(ctx, "fix", { name: "fix", ref, refKind: "link" });
  }
  return usage(ctx, "fix", `${quote(ref)} is neither an http(s) link nor a commit sha.`);
}

function parseDurationArg(ctx: Ctx, verb: string): number | Failure {
  if (ctx.args.length === 0) return usage(ctx, verb);
  // `1h 30m` reads as `1h30m`; only whole number+unit parts are joined, so `1 30m` is not taken as 130m.
  const texts = ctx.args.map((t) => t.text);
  const joined = texts.length === 1 || texts.every((t) => DURATION_PART.test(t)) ? texts.join("") : null;
  const ms = joined === null ? null : parseDuration(joined);
  if (ms === null) {
    return usage(ctx, verb, `${quote(textFrom(ctx, 0))} is not a duration: write it like 30m, 2h, 1d or 1w.`);
  }
  return ms;
}

function parseOneUser(ctx: Ctx, verb: string, name: "commander" | "comms"): ParseResult {
  const [arg, extra] = ctx.args;
  const user = mention(arg);
  if (!user) return usage(ctx, verb, notAMentionHint(arg));
  if (extra) return usage(ctx, verb, "Mention one person.");
  return finish(ctx, verb, { name, user });
}

function parseHandoff(ctx: Ctx): ParseResult {
  const user = mention(ctx.args[0]);
  if (!user) return usage(ctx, "handoff", notAMentionHint(ctx.args[0]));
  const summary = optionalText(ctx, "handoff", "The handoff note", 1);
  if (isFailure(summary)) return summary;
  return finish(ctx, "handoff", { name: "handoff", user, ...(summary && { summary }) });
}

function incidentArg(ctx: Ctx, verb: string, token: Token): number | Failure {
  const n = parseIncidentId(token.text);
  if (n === null) return usage(ctx, verb, `${quote(token.text)} is not an incident id like INC-12.`);
  return n;
}

function parseMerge(ctx: Ctx): ParseResult {
  const [arg, extra] = ctx.args;
  if (!arg || extra) return usage(ctx, "merge");
  const n = incidentArg(ctx, "merge", arg);
  if (isFailure(n)) return n;
  return finish(ctx, "merge", { name: "merge", incidentNumber: n });
}

/** A verb whose only argument is an optional incident id (`subscribe INC-12`); without it, this incident. */
function parseOptionalIncident(
  ctx: Ctx,
  verb: string,
  name: "subscribe" | "unsubscribe" | "promote" | "show" | "timeline",
): ParseResult {
  const [arg, extra] = ctx.args;
  if (extra) return usage(ctx, verb);
  if (!arg) return finish(ctx, verb, { name });
  const n = incidentArg(ctx, verb, arg);
  if (isFailure(n)) return n;
  return finish(ctx, verb, { name, incidentNumber: n });
}

function parseFollowup(ctx: Ctx): ParseResult {
  // The owner is a mention at the very end; a mention inside the text ("ask @bob about …") stays text.
  const owner = mention(ctx.args[ctx.args.length - 1]);
  if (owner && ctx.args.length === 1) return usage(ctx, "followup", "What should they follow up?");
  const text = requiredText(ctx, "followup", "The follow-up", 0, owner ? ctx.args.length - 1 : undefined);
  if (isFailure(text)) return text;
  return finish(ctx, "followup", { name: "followup", text, ...(owner && { owner }) });
}

/** `postmortem [@owner]` (open it, or name its owner) and `postmortem done`. */
function parsePostmortem(ctx: Ctx): ParseResult {
  const [arg, extra] = ctx.args;
  if (!arg) return finish(ctx, "postmortem", { name: "postmortem" });
  if (arg.text.toLowerCase() === "done") {
    if (extra) return usage(ctx, "postmortem done", "`postmortem done` takes nothing after it.");
    return finish(ctx, "postmortem done", { name: "postmortem_done" });
  }
  const owner = mention(arg);
  if (!owner) return usage(ctx, "postmortem", notAMentionHint(arg));
  if (extra) return usage(ctx, "postmortem", "Mention one person: the post-mortem's owner.");
  return finish(ctx, "postmortem", { name: "postmortem", owner });
}

function parseHelp(ctx: Ctx): ParseResult {
  // Help never fails: an unknown topic gets the whole list.
  const words = ctx.args.map((t) => t.text.toLowerCase());
  const two = words.slice(0, 2).join(" ");
  const exact = HELP.find((e) => e.verb === two) ?? HELP.find((e) => e.verb === words[0]);
  return finish(ctx, "help", { name: "help", ...(exact && { topic: exact.verb }) });
}

// ---- oncall -------------------------------------------------------------------------------------------

function withArgs(ctx: Ctx, args: Token[]): Ctx {
  return { ...ctx, args };
}

/** `<from> <to>` at the start of the args; returns the times and how many tokens they used. */
function readPeriod(ctx: Ctx, verb: string): { from: TypedTime; to: TypedTime; used: number } | Failure {
  const texts = ctx.args.map((t) => t.text);
  const bad = (at: number) => {
    const typed = texts.slice(at, at + 2).join(" ");
    const what = typed ? `${quote(typed)} is not a time I can read.` : "It needs a start and an end.";
    return usage(ctx, verb, `${what} Write times as 2026-11-21T09:00 or 2026-11-21 09:00.`);
  };
  const from = readTime(texts);
  if (!from) return bad(0);
  const to = readTime(texts.slice(from.tokens));
  if (!to) return bad(from.tokens);
  // Only comparable when both are wall-clock readings or both carry offsets; a mix waits for the handler.
  if (from.hasOffset === to.hasOffset && to.sortKey <= from.sortKey) {
    return usage(ctx, verb, `The end (${to.text}) must be after the start (${from.text}).`);
  }
  return { from, to, used: from.tokens + to.tokens };
}

function parseOncall(ctx: Ctx): ParseResult {
  const [first, ...rest] = ctx.args;
  if (!first) return finish(ctx, "oncall", { name: "oncall" });
  const sub = first.text.toLowerCase();
  const sctx = withArgs(ctx, rest);
  switch (sub) {
    case "override": {
      const user = mention(rest[0]);
      if (!user) return usage(ctx, "oncall override", notAMentionHint(rest[0]));
      const pctx = withArgs(ctx, rest.slice(1));
      const period = readPeriod(pctx, "oncall override");
      if (isFailure(period)) return period;
      const tail = pctx.args.slice(period.used);
      if (tail.length > 1) return usage(ctx, "oncall override", "Name at most one rotation.");
      const rotation = tail[0] ? configId(tail[0].text) : undefined;
      if (rotation === null) return usage(ctx, "oncall override", idHint(tail[0]?.text ?? "", "rotation"));
      return finish(ctx, "oncall override", {
        name: "oncall_override",
        user,
        from: period.from.text,
        to: period.to.text,
        ...(rotation && { rotation }),
      });
    }
    case "overrides": {
      const [rot, extra] = rest;
      // `oncall overrides @bob <from> <to>` is someone making one with a stray "s": say which command does that.
      if (mention(rot)) {
        return usage(
          ctx,
          "oncall override",
          "`oncall overrides` lists overrides; to make one, write `oncall override`.",
        );
      }
      if (extra) return usage(ctx, "oncall overrides", "Name at most one rotation.");
      if (!rot) return finish(ctx, "oncall overrides", { name: "oncall_overrides" });
      const rotation = configId(rot.text);
      if (!rotation) return usage(ctx, "oncall overrides", idHint(rot.text, "rotation"));
      return finish(ctx, "oncall overrides", { name: "oncall_overrides", rotation });
    }
    case "swap": {
      const a = mention(rest[0]);
      const b = mention(rest[1]);
      if (!a) return usage(ctx, "oncall swap", notAMentionHint(rest[0]));
      if (!b) return usage(ctx, "oncall swap", notAMentionHint(rest[1]));
      if (rest.length > 3 || (rest[2] && mention(rest[2]))) {
        return usage(ctx, "oncall swap", "Mention exactly two people, then at most one rotation.");
      }
      if (a === b) return usage(ctx, "oncall swap", "Swapping needs two different people.");
      const rotation = rest[2] ? configId(rest[2].text) : undefined;
      if (rotation === null) return usage(ctx, "oncall swap", idHint(rest[2]?.text ?? "", "rotation"));
      return finish(ctx, "oncall swap", {
        name: "oncall_swap",
        users: [a, b],
        ...(rotation && { rotation }),
      });
    }
    case "cover": {
      // `cover 2h primary`: a last token that is not part of a duration names the rotation.
      const last = rest[rest.length - 1];
      const named = rest.length > 1 && last && !DURATION_PART.test(last.text) ? last : undefined;
      const ms = parseDurationArg(named ? withArgs(ctx, rest.slice(0, -1)) : sctx, "oncall cover");
      if (isFailure(ms)) return ms;
      const rotation = named ? configId(named.text) : undefined;
      if (rotation === null) return usage(ctx, "oncall cover", idHint(named?.text ?? "", "rotation"));
      return finish(ctx, "oncall cover", {
        name: "oncall_cover",
        durationMs: ms,
        ...(rotation && { rotation }),
      });
    }
    case "away": {
      if (rest.length === 0) return finish(ctx, "oncall away list", { name: "oncall_away_list" });
      const period = readPeriod(sctx, "oncall away");
      if (isFailure(period)) return period;
      if (rest.length > period.used) return usage(ctx, "oncall away", "Only a start and an end.");
      return finish(ctx, "oncall away", { name: "oncall_away", from: period.from.text, to: period.to.text });
    }
    case "plan": {
      const [rot, weeks, extra] = rest;
      if (!rot || !weeks || extra) return usage(ctx, "oncall plan");
      const rotation = configId(rot.text);
      if (!rotation) return usage(ctx, "oncall plan", idHint(rot.text, "rotation"));
      const m = /^(\d{1,3})w?$/i.exec(weeks.text);
      const n = m ? Number(m[1]) : Number.NaN;
      if (!(n >= 1 && n <= PLAN_WEEKS_MAX)) {
        return usage(ctx, "oncall plan", `Weeks must be a whole number from 1 to ${PLAN_WEEKS_MAX}.`);
      }
      return finish(ctx, "oncall plan", { name: "oncall_plan", rotation, weeks: n });
    }
    case "calendar": {
      const [rot, extra] = rest;
      if (extra) return usage(ctx, "oncall calendar");
      if (!rot) return finish(ctx, "oncall calendar", { name: "oncall_calendar" });
      const rotation = configId(rot.text);
      if (!rotation) return usage(ctx, "oncall calendar", idHint(rot.text, "rotation"));
      return finish(ctx, "oncall calendar", { name: "oncall_calendar", rotation });
    }
  }
  // Not a sub-command: `oncall <service or rotation>`. A sub-command name therefore cannot be an id here.
  if (rest.length > 0) {
    const near = closeMatches(sub, ONCALL_SUBCOMMANDS)[0];
    const problem = `Unknown \`oncall\` command ${quote(first.text)}.`;
    return near
      ? usage(ctx, `oncall ${near}`, `${problem} Did you mean \`oncall ${near}\`?`)
      : usage(ctx, "oncall", problem);
  }
  const target = configId(first.text);
  if (!target) return usage(ctx, "oncall", idHint(first.text, "service or rotation"));
  return finish(ctx, "oncall", { name: "oncall", target });
}

/**
 * The question form of `oncall`, for mentions: `who is on call for search?`, `who's on call`, `who is oncall
 * for primary`. Only this question is read, loosely (any case, `on-call`, a trailing `?` or `now`); anything
 * else that starts with "who" gets the `oncall` usage, since that is what the person was reaching for.
 */
const WHO_QUESTION =
  /^(?:(?:is|are)\s+)?on[\s-]?call(?:\s+now)?(?:\s+(?:for|in|on)\s+(\S+?))?(?:\s+now)?\s*\?*$/i;

function parseWho(ctx: Ctx, contracted: boolean): ParseResult {
  const rest = textFrom(ctx, 0);
  const m = WHO_QUESTION.exec(rest);
  // "who's" already holds its "is"; "who is" must say it ("who on call" is not a question we guess at).
  const said = m && (contracted ? !/^(?:is|are)\s/i.test(rest) : /^(?:is|are)\s/i.test(rest));
  if (!m || !said) {
    return usage(ctx, "oncall", "Ask `who is on call?` or `who is on call for <service or rotation>?`.");
  }
  const typed = m[1]?.replace(/\?+$/, "");
  if (!typed) return finish(ctx, "oncall", { name: "oncall" });
  const target = configId(typed);
  if (!target) return usage(ctx, "oncall", idHint(typed, "service or rotation"));
  return finish(ctx, "oncall", { name: "oncall", target });
}

// ---- dispatch -----------------------------------------------------------------------------------------

type VerbParser = (ctx: Ctx) => ParseResult;

const PARSERS: Record<string, VerbParser> = {
  ack: (c) => noArgs(c, "ack", "ack"),
  update: (c) => {
    const text = requiredText(c, "update", "The update");
    return isFailure(text) ? text : finish(c, "update", { name: "update", text });
  },
  snooze: (c) => {
    const ms = parseDurationArg(c, "snooze");
    return isFailure(ms) ? ms : finish(c, "snooze", { name: "snooze", durationMs: ms });
  },
  reminders: (c) => noArgs(c, "reminders", "reminders"),
  sev: parseSev,
  status: parseStatus,
  fix: parseFix,
  deployed: (c) => noArgs(c, "deployed", "deployed"),
  resolve: (c) => {
    const summary = optionalText(c, "resolve", "The summary", 0);
    return isFailure(summary)
      ? summary
      : finish(c, "resolve", { name: "resolve", ...(summary && { summary }) });
  },
  reopen: (c) => noArgs(c, "reopen", "reopen"),
  promote: (c) => parseOptionalIncident(c, "promote", "promote"),
  commander: (c) => parseOneUser(c, "commander", "commander"),
  handoff: parseHandoff,
  comms: (c) => parseOneUser(c, "comms", "comms"),
  join: (c) => noArgs(c, "join", "join"),
  "help-wanted": (c) => {
    const text = requiredText(c, "help-wanted", "The request");
    return isFailure(text) ? text : finish(c, "help-wanted", { name: "help_wanted", text });
  },
  merge: parseMerge,
  subscribe: (c) => parseOptionalIncident(c, "subscribe", "subscribe"),
  unsubscribe: (c) => parseOptionalIncident(c, "unsubscribe", "unsubscribe"),
  note: (c) => {
    const text = requiredText(c, "note", "The note");
    return isFailure(text) ? text : finish(c, "note", { name: "note", text });
  },
  timeline: (c) => parseOptionalIncident(c, "timeline", "timeline"),
  list: (c) => noArgs(c, "list", "list"),
  show: (c) => parseOptionalIncident(c, "show", "show"),
  oncall: parseOncall,
  services: (c) => noArgs(c, "services", "services"),
  // The question form of `oncall` (see parseWho); not verbs of their own, so not in the help list.
  who: (c) => parseWho(c, false),
  "who's": (c) => parseWho(c, true),
  "who’s": (c) => parseWho(c, true),
  whos: (c) => parseWho(c, true),
  followup: parseFollowupVerb,
  followups: (c) => noArgs(c, "followups", "followups"),
  visibility: parseVisibility,
  postmortem: parsePostmortem,
  log: (c) => noArgs(c, "log", "log"),
  help: parseHelp,
};

function unknownCommand(ctx: Ctx, typed: string): Failure {
  const near = closeMatches(typed, VERBS);
  const hint = near.length > 0 ? ` Did you mean ${orList(near)}?` : "";
  return {
    ...fail("unknown_command", `Unknown command ${quote(typed)}.${hint} Try \`${ctx.invocation} help\`.`),
    pointsToHelp: true,
  };
}

/** Parses the text after the invocation into a command, or a usage message for the sender. Never throws. */
export function parseCommand(text: string, options: ParseOptions = {}): ParseResult {
  const invocation = options.invocation ?? DEFAULT_INVOCATION;
  const raw = typeof text === "string" ? text : "";
  const base: Ctx = { src: "", args: [], invocation };
  if (raw.length > MAX_INPUT) {
    return fail(
      "too_long",
      `That is ${raw.length.toLocaleString("en-US")} characters, too long for a command: ` +
        `titles take up to ${TITLE_MAX} characters and other text up to ${TEXT_MAX}.`,
    );
  }
  const src = cleanFreeText(raw);
  const tokens = tokenize(src);
  // Options may stand anywhere, even before the verb; only `open` takes them.
  let v = 0;
  while (v < tokens.length && isOption(tokens[v] as Token)) v++;
  const leading = tokens.slice(0, v);
  const verbToken = tokens[v];
  const ctx: Ctx = { ...base, src, args: tokens.slice(v + 1) };
  if (tokens.length === 0) return finish(ctx, "help", { name: "help" });

  const verb = verbToken?.text.toLowerCase();
  if (verb === "open") {
    const options = [...leading, ...ctx.args.filter(isOption)];
    return parseOpen(
      withArgs(
        ctx,
        ctx.args.filter((t) => !isOption(t)),
      ),
      options,
    );
  }
  const firstOption = leading[0];
  if (firstOption) {
    // `sev2` first is nearly always `sev 2` missing its space.
    const sev = severityOf(firstOption.text, false);
    if (sev === "unknown") return unknownSeverity(ctx, "sev", firstOption.text);
    if (sev) {
      return fail(
        "unknown_command",
        `Unknown command ${quote(firstOption.text)}. To change the severity, write \`${invocation} sev ${sev.slice(3)}\`; ` +
          `to open an incident, \`${invocation} open <title> ${sev}\`.`,
      );
    }
    return usage(ctx, "open", `${quote(firstOption.text)} goes with \`open\`.`);
  }
  const parser = verb !== undefined && Object.hasOwn(PARSERS, verb) ? PARSERS[verb] : undefined;
  if (!parser || !verbToken) return unknownCommand(ctx, verbToken?.text ?? "");
  return parser(ctx);
}
