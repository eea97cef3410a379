import { describe, expect, it } from "vitest";
import { type ParseErrorCode, parseCommand } from "../../src/core/commands/grammar.js";
import { HELP, helpFor, helpLines, usageLine } from "../../src/core/commands/help.js";
import { type Command, CommandSchema } from "../../src/core/commands/schema.js";
import { cleanFreeText, parseTitle, TEXT_MAX, TITLE_MAX } from "../../src/core/commands/text.js";
import { parseMarkup } from "../../src/core/markup.js";

function ok(text: string): Command {
  const r = parseCommand(text);
  if (!r.ok) throw new Error(`expected a command for ${JSON.stringify(text)}, got: ${r.message}`);
  return r.command;
}

function bad(text: string): { code: ParseErrorCode; message: string } {
  const r = parseCommand(text);
  if (r.ok) throw new Error(`expected a usage message for ${JSON.stringify(text)}, got ${JSON.stringify(r)}`);
  return r;
}

// Every valid form of every verb, and what it must become.
const VALID: [string, Command][] = [
  ["", { name: "help" }],
  ["   \n\t ", { name: "help" }],
  ["help", { name: "help" }],
  ["help open", { name: "help", topic: "open" }],
  ["help oncall override", { name: "help", topic: "oncall override" }],
  ["help oncall", { name: "help", topic: "oncall" }],
  ["help no-such-thing", { name: "help" }],
  ["open", { name: "open_form" }],
  ["open Search is down", { name: "open", title: "Search is down" }],
  ["open Search is down sev1", { name: "open", title: "Search is down", severity: "sev1" }],
  [
    "open Search is down sev1 service:search",
    { name: "open", title: "Search is down", severity: "sev1", service: "search" },
  ],
  ["open sev2 Search is down", { name: "open", title: "Search is down", severity: "sev2" }],
  ["open Search SEV3 is down", { name: "open", title: "Search is down", severity: "sev3" }],
  ["open service:search Search is down", { name: "open", title: "Search is down", service: "search" }],
  [
    "open Search service:Search-API is down",
    { name: "open", title: "Search is down", service: "search-api" },
  ],
  ["sev4 open Search is down", { name: "open", title: "Search is down", severity: "sev4" }],
  [
    "service:search sev1 OPEN Search is down",
    { name: "open", title: "Search is down", severity: "sev1", service: "search" },
  ],
  ["open Search is down sev1 sev1", { name: "open", title: "Search is down", severity: "sev1" }],
  ["open sev01 Search", { name: "open", title: "Search", severity: "sev1" }],
  ["open Search sev1x sev-1 is down", { name: "open", title: "Search sev1x sev-1 is down" }],
  ["open <@U0ALICE> cannot log in", { name: "open", title: "<@U0ALICE> cannot log in" }],
  ["ack", { name: "ack" }],
  ["update Rolled back.", { name: "update", text: "Rolled back." }],
  ["update   Line one\n  indented line two  ", { name: "update", text: "Line one\n  indented line two" }],
  [
    "update sev1 is right, service:search only",
    { name: "update", text: "sev1 is right, service:search only" },
  ],
  ["snooze 30m", { name: "snooze", durationMs: 30 * 60_000 }],
  ["snooze 1h30m", { name: "snooze", durationMs: 90 * 60_000 }],
  ["snooze 1h 30m", { name: "snooze", durationMs: 90 * 60_000 }],
  ["snooze 2H", { name: "snooze", durationMs: 2 * 3_600_000 }],
  ["reminders", { name: "reminders" }],
  ["sev 1", { name: "sev", severity: "sev1" }],
  ["sev 4", { name: "sev", severity: "sev4" }],
  ["sev sev2", { name: "sev", severity: "sev2" }],
  ["sev SEV3", { name: "sev", severity: "sev3" }],
  ["status mitigated", { name: "status", state: "mitigated" }],
  ["status Identified", { name: "status", state: "identified" }],
  ["status fix_merged", { name: "status", state: "fix_merged" }],
  ["status fix-deployed", { name: "status", state: "fix_deployed" }],
  ["status fix merged", { name: "status", state: "fix_merged" }],
  [
    "fix https://github.com/acme/shop/pull/42",
    { name: "fix", ref: "https://github.com/acme/shop/pull/42", refKind: "link" },
  ],
  ["fix <https://git.example/pr/7|PR 7>", { name: "fix", ref: "https://git.example/pr/7", refKind: "link" }],
  ["fix <https://git.example/pr/7>", { name: "fix", ref: "https://git.example/pr/7", refKind: "link" }],
  ["fix 1A2B3C4", { name: "fix", ref: "1a2b3c4", refKind: "sha" }],
  [
    "fix 9fceb02d0ae598e95dc970b74767f19372d61af8",
    { name: "fix", ref: "9fceb02d0ae598e95dc970b74767f19372d61af8", refKind: "sha" },
  ],
  ["deployed", { name: "deployed" }],
  ["resolve", { name: "resolve" }],
  ["resolve Cache node replaced.", { name: "resolve", summary: "Cache node replaced." }],
  ["reopen", { name: "reopen" }],
  ["promote", { name: "promote" }],
  ["commander <@U0ALICE>", { name: "commander", user: "U0ALICE" }],
  ["commander <@U0ALICE|alice>", { name: "commander", user: "U0ALICE" }],
  ["handoff <@U0BOB>", { name: "handoff", user: "U0BOB" }],
  [
    "handoff <@U0BOB> Rollback done; watch errors.",
    { name: "handoff", user: "U0BOB", summary: "Rollback done; watch errors." },
  ],
  ["comms <@U0DANA>", { name: "comms", user: "U0DANA" }],
  ["join", { name: "join" }],
  ["help-wanted someone who knows the DB", { name: "help_wanted", text: "someone who knows the DB" }],
  ["merge INC-12", { name: "merge", incidentNumber: 12 }],
  ["merge inc-7", { name: "merge", incidentNumber: 7 }],
  ["subscribe", { name: "subscribe" }],
  ["subscribe INC-3", { name: "subscribe", incidentNumber: 3 }],
  ["unsubscribe", { name: "unsubscribe" }],
  ["note Disk on db-3 filled up.", { name: "note", text: "Disk on db-3 filled up." }],
  ["note ask <@U0BOB> about it", { name: "note", text: "ask <@U0BOB> about it" }],
  ["timeline", { name: "timeline" }],
  ["list", { name: "list" }],
  ["show", { name: "show" }],
  ["show INC-7", { name: "show", incidentNumber: 7 }],
  ["timeline inc-3", { name: "timeline", incidentNumber: 3 }],
  ["unsubscribe INC-12", { name: "unsubscribe", incidentNumber: 12 }],
  ["promote INC-14", { name: "promote", incidentNumber: 14 }],
  ["open Add a replica kind:change", { name: "open", title: "Add a replica", kind: "change_request" }],
  [
    "open kind:guidance How do I rotate keys?",
    { name: "open", title: "How do I rotate keys?", kind: "guidance_request" },
  ],
  ["open Search slow kind:incident", { name: "open", title: "Search slow" }],
  ["oncall", { name: "oncall" }],
  ["oncall search", { name: "oncall", target: "search" }],
  ["oncall Primary", { name: "oncall", target: "primary" }],
  [
    "oncall override <@U0BOB> 2026-11-21 09:00 2026-11-22 09:00",
    { name: "oncall_override", user: "U0BOB", from: "2026-11-21T09:00", to: "2026-11-22T09:00" },
  ],
  [
    "oncall override <@U0BOB> 2026-11-21T09:00 2026-11-22 9:00 primary",
    {
      name: "oncall_override",
      user: "U0BOB",
      from: "2026-11-21T09:00",
      to: "2026-11-22T09:00",
      rotation: "primary",
    },
  ],
  [
    "oncall override <@U0BOB> 2026-11-21t08:00:30z 2026-11-22T09:00+0100",
    { name: "oncall_override", user: "U0BOB", from: "2026-11-21T08:00:30Z", to: "2026-11-22T09:00+01:00" },
  ],
  // Mixed offset and wall-clock: the grammar cannot order them, the handler does.
  [
    "oncall override <@U0BOB> 2026-11-22T09:00Z 2026-11-21T09:00",
    { name: "oncall_override", user: "U0BOB", from: "2026-11-22T09:00Z", to: "2026-11-21T09:00" },
  ],
  // 10:00+02:00 is 08:00Z: the end is later although its wall clock reads earlier.
  [
    "oncall override <@U0BOB> 2026-11-21T10:00+02:00 2026-11-21T08:30Z",
    { name: "oncall_override", user: "U0BOB", from: "2026-11-21T10:00+02:00", to: "2026-11-21T08:30Z" },
  ],
  ["oncall swap <@U0ALICE> <@U0BOB>", { name: "oncall_swap", users: ["U0ALICE", "U0BOB"] }],
  ["oncall cover 2h", { name: "oncall_cover", durationMs: 2 * 3_600_000 }],
  ["oncall cover 1h 30m primary", { name: "oncall_cover", durationMs: 90 * 60_000, rotation: "primary" }],
  [
    "oncall swap <@U0ALICE> <@U0BOB> primary",
    { name: "oncall_swap", users: ["U0ALICE", "U0BOB"], rotation: "primary" },
  ],
  [
    "oncall away 2028-02-29 00:00 2028-03-02T00:00",
    { name: "oncall_away", from: "2028-02-29T00:00", to: "2028-03-02T00:00" },
  ],
  // Bare `oncall away` lists the asker's absences; `oncall overrides` lists overrides, all or one rotation's.
  ["oncall away", { name: "oncall_away_list" }],
  ["oncall AWAY", { name: "oncall_away_list" }],
  ["oncall overrides", { name: "oncall_overrides" }],
  ["oncall overrides Primary", { name: "oncall_overrides", rotation: "primary" }],
  ["help oncall overrides", { name: "help", topic: "oncall overrides" }],
  ["oncall plan primary 8", { name: "oncall_plan", rotation: "primary", weeks: 8 }],
  ["oncall plan primary 52w", { name: "oncall_plan", rotation: "primary", weeks: 52 }],
  ["oncall calendar", { name: "oncall_calendar" }],
  ["oncall calendar primary", { name: "oncall_calendar", rotation: "primary" }],
  // The question form a mention asks (`@firebreak who is on call for search?`): the same `oncall` command.
  ["who is on call for search?", { name: "oncall", target: "search" }],
  ["who is on call for Search ?", { name: "oncall", target: "search" }],
  ["who's on call for primary", { name: "oncall", target: "primary" }],
  ["who’s on call?", { name: "oncall" }],
  ["who is on call", { name: "oncall" }],
  ["who is on call now?", { name: "oncall" }],
  ["who is oncall for payments-api?", { name: "oncall", target: "payments-api" }],
  ["who is on-call in primary now?", { name: "oncall", target: "primary" }],
  ["whos oncall??", { name: "oncall" }],
  ["services", { name: "services" }],
  ["followup Alert on queue depth", { name: "followup", text: "Alert on queue depth" }],
  [
    "followup Alert on queue depth <@U0DANA>",
    { name: "followup", text: "Alert on queue depth", owner: "U0DANA" },
  ],
  ["followup ask <@U0BOB> about alerts", { name: "followup", text: "ask <@U0BOB> about alerts" }],
  ["followup done 2", { name: "followup_done", n: 2 }],
  ["followup DONE #3", { name: "followup_done", n: 3 }],
  ["followup reopen 1", { name: "followup_reopen", n: 1 }],
  ["postmortem", { name: "postmortem" }],
  ["postmortem <@U0DANA>", { name: "postmortem", owner: "U0DANA" }],
  ["postmortem done", { name: "postmortem_done" }],
  ["log", { name: "log" }],
];

// Every invalid form: the code, and a fragment the message must contain.
const INVALID: [string, ParseErrorCode, string][] = [
  [
    "opne Search is down",
    "unknown_command",
    "Unknown command `opne`. Did you mean `open`? Try `/incident help`.",
  ],
  ["xyzzy", "unknown_command", "Unknown command `xyzzy`. Try `/incident help`."],
  ["close", "unknown_command", "Did you mean `resolve`?"],
  ["helpwanted more hands", "unknown_command", "Did you mean `help-wanted`?"],
  ["sev2", "unknown_command", "write `/incident sev 2`; to open an incident, `/incident open <title> sev2`"],
  ["sev9 oops", "unknown_severity", "Unknown severity `sev9`"],
  ["service:search", "usage", "`service:search` goes with `open`."],
  ["sev1 ack", "unknown_command", "/incident sev 1"],
  ["open sev1", "usage", "An incident needs a title"],
  ["open sev1 service:search", "usage", "send `/incident open` on its own"],
  [
    "open Search is down sev5",
    "unknown_severity",
    "use sev1 (critical), sev2 (major), sev3 (moderate) or sev4 (minor)",
  ],
  ["open Search is down sev0", "unknown_severity", "Unknown severity `sev0`"],
  ["open Search is down sev1 sev2", "usage", "Two severities (sev1 and sev2)"],
  ["open Search service:a service:b", "usage", "Two services (a and b)"],
  ["open Search service:", "usage", "`service:` needs the id right after the colon"],
  ["open Search service:sé!", "usage", "`sé!` is not a service id"],
  ["ack now", "usage", "`ack` takes nothing after it."],
  ["update", "usage", "Usage: `/incident update <text>`"],
  ["update \u0000\u0007", "usage", "Usage: `/incident update <text>`"],
  ["snooze", "usage", "Usage: `/incident snooze <duration>`"],
  ["snooze soon", "usage", "`soon` is not a duration"],
  ["snooze 0m", "usage", "is not a duration"],
  ["snooze 1 30m", "usage", "`1 30m` is not a duration"],
  ["reminders all", "usage", "takes nothing"],
  ["sev", "usage", "Usage: `/incident sev <1-4>` — for example `/incident sev 2`."],
  ["sev 5", "unknown_severity", "Unknown severity `5`"],
  ["sev 0", "unknown_severity", "sev4 (minor)"],
  ["sev high", "usage", "`high` is not a severity."],
  ["sev 1 2", "usage", "Usage: `/incident sev <1-4>`"],
  ["status", "usage", "The states are"],
  ["status resolvd", "usage", "Did you mean `resolved`?"],
  ["status on fire", "usage", "Unknown state `on fire`."],
  ["fix", "usage", "Usage: `/incident fix <link or sha>`"],
  ["fix abc", "usage", "`abc` is neither an http(s) link nor a commit sha."],
  ["fix ftp://x.example/y", "usage", "is neither"],
  ["fix https://a.example/1 https://a.example/2", "usage", "Give one link or one sha."],
  ["deployed abc1234", "usage", "takes nothing"],
  [
    `resolve ${"x".repeat(TEXT_MAX + 1)}`,
    "too_long",
    `The summary is 3,001 characters; the limit is ${TEXT_MAX}.`,
  ],
  ["reopen INC-1", "usage", "takes nothing"],
  ["promote now", "usage", "is not an incident id"],
  ["commander", "usage", "Usage: `/incident commander @user`"],
  ["commander @alice", "usage", "`@alice` is not a mention I can read"],
  ["commander alice", "usage", "`alice` is not a mention of a person."],
  ["commander <@U0ALICE> <@U0BOB>", "usage", "Mention one person."],
  ["commander <!subteam^S1>", "usage", "is not a mention of a person"],
  ["handoff", "usage", "Usage: `/incident handoff @user [summary]`"],
  ["handoff Rollback done <@U0BOB>", "usage", "`Rollback` is not a mention"],
  ["comms", "usage", "Usage: `/incident comms @user`"],
  ["join us", "usage", "takes nothing"],
  ["help-wanted", "usage", "Usage: `/incident help-wanted <text>`"],
  ["merge", "usage", "Usage: `/incident merge INC-<n>`"],
  ["merge 12", "usage", "`12` is not an incident id like INC-12."],
  ["merge INC-0", "usage", "is not an incident id"],
  ["merge INC-1 INC-2", "usage", "Usage: `/incident merge INC-<n>`"],
  ["subscribe INC-x", "usage", "is not an incident id"],
  ["subscribe INC-1 INC-2", "usage", "Usage: `/incident subscribe [INC-<n>]`"],
  ["unsubscribe INC-1 INC-2", "usage", "unsubscribe [INC-<n>]"],
  ["note", "usage", "Usage: `/incident note <text>`"],
  [`note ${"é".repeat(5000)}`, "too_long", "The note is 5,000 characters; the limit is 3000."],
  ["timeline full", "usage", "is not an incident id"],
  ["list all", "usage", "takes nothing"],
  ["show INC-1 now", "usage", "show [INC-<n>]"],
  ["oncall Search!", "usage", "is not a service or rotation id"],
  ["oncall overide <@U0BOB> 2026-11-21T09:00 2026-11-22T09:00", "usage", "Did you mean `oncall override`?"],
  [
    "oncall overide <@U0BOB> 2026-11-21T09:00",
    "usage",
    "Usage: `/incident oncall override @user <from> <to> [rotation]`",
  ],
  ["oncall foo bar", "usage", "Unknown `oncall` command `foo`."],
  ["oncall override", "usage", "Usage: `/incident oncall override @user <from> <to> [rotation]`"],
  ["oncall override <@U0BOB>", "usage", "It needs a start and an end."],
  [
    "oncall override <@U0BOB> tomorrow 2026-11-22T09:00",
    "usage",
    "`tomorrow 2026-11-22T09:00` is not a time I can read.",
  ],
  ["oncall override <@U0BOB> 2026-11-21T09:00", "usage", "It needs a start and an end."],
  ["oncall override <@U0BOB> 2026-02-29T09:00 2026-03-01T09:00", "usage", "is not a time I can read"],
  ["oncall override <@U0BOB> 2026-11-21T24:00 2026-11-22T09:00", "usage", "is not a time I can read"],
  ["oncall override <@U0BOB> 2026-11-21T09:00+15:00 2026-11-22T09:00Z", "usage", "is not a time I can read"],
  ["oncall override <@U0BOB> 2026-11-21 2026-11-22", "usage", "is not a time I can read"],
  [
    "oncall override <@U0BOB> 2026-11-22T09:00 2026-11-21T09:00",
    "usage",
    "The end (2026-11-21T09:00) must be after the start (2026-11-22T09:00).",
  ],
  // 10:00+02:00 is 08:00Z, so 07:30Z is before it although its wall clock reads earlier either way.
  ["oncall override <@U0BOB> 2026-11-21T10:00+02:00 2026-11-21T07:30Z", "usage", "must be after the start"],
  ["oncall override <@U0BOB> 2026-11-21T09:00 2026-11-22T09:00 Primary!", "usage", "is not a rotation id"],
  [
    "oncall override <@U0BOB> 2026-11-21T09:00 2026-11-22T09:00 primary extra",
    "usage",
    "Name at most one rotation.",
  ],
  ["oncall swap <@U0ALICE>", "usage", "Usage: `/incident oncall swap @a @b [rotation]`"],
  ["oncall swap <@U0ALICE> <@U0ALICE>", "usage", "two different people"],
  [
    "oncall swap <@U0ALICE> <@U0BOB> <@U0DANA>",
    "usage",
    "Mention exactly two people, then at most one rotation.",
  ],
  ["oncall swap <@U0ALICE> <@U0BOB> Primary!", "usage", "rotation"],
  ["oncall cover 2h Primary!", "usage", "rotation"],
  ["oncall cover", "usage", "Usage: `/incident oncall cover <duration> [rotation]`"],
  ["oncall cover forever", "usage", "is not a duration"],
  ["oncall away 2026-12-24T00:00", "usage", "Usage: `/incident oncall away <from> <to>`"],
  ["oncall away 2026-12-24T00:00 2026-12-25T00:00 please", "usage", "Only a start and an end."],
  ["oncall overrides primary secondary", "usage", "Name at most one rotation."],
  ["oncall overrides Pri$mary", "usage", "is not a rotation id"],
  [
    "oncall overrides <@U0BOB> 2026-11-21T09:00 2026-11-22T09:00",
    "usage",
    "to make one, write `oncall override`. Usage: `/incident oncall override @user <from> <to> [rotation]`",
  ],
  ["oncall overides primary", "usage", "Unknown `oncall` command `overides`."],
  ["oncall plan", "usage", "Usage: `/incident oncall plan <rotation> <weeks>`"],
  ["oncall plan primary", "usage", "Usage: `/incident oncall plan <rotation> <weeks>`"],
  ["oncall plan primary 0", "usage", "Weeks must be a whole number from 1 to 52."],
  ["oncall plan primary 53", "usage", "from 1 to 52"],
  ["oncall plan primary two", "usage", "from 1 to 52"],
  ["oncall plan Pri$mary 4", "usage", "is not a rotation id"],
  ["oncall calendar primary secondary", "usage", "Usage: `/incident oncall calendar [rotation]`"],
  ["oncall calendar prim ary!", "usage", "Usage: `/incident oncall calendar [rotation]`"],
  ["who is on call for Search!?", "usage", "is not a service or rotation id"],
  ["who is on call for search and payments?", "usage", "Ask `who is on call?`"],
  ["who is on call for search and payments?", "usage", "Usage: `/incident oncall [service|rotation]`"],
  ["who", "usage", "Ask `who is on call?` or `who is on call for <service or rotation>?`."],
  ["who are you?", "usage", "Ask `who is on call?`"],
  ["who on call", "usage", "Ask `who is on call?`"],
  ["who's is on call", "usage", "Ask `who is on call?`"],
  ["services all", "usage", "takes nothing"],
  ["followup", "usage", "Usage: `/incident followup <text> [@owner]`"],
  ["followup <@U0DANA>", "usage", "What should they follow up?"],
  ["postmortem now", "usage", "Usage: `/incident postmortem [@owner]`"],
  ["postmortem now", "usage", "`now` is not a mention of a person"],
  ["postmortem <@U0DANA> <@U0BOB>", "usage", "Mention one person"],
  ["postmortem done now", "usage", "Usage: `/incident postmortem done`"],
  // `done` / `reopen` first is the sub-command, never a follow-up called "done …".
  ["followup done", "usage", "Usage: `/incident followup done <n>`"],
  ["followup done two", "usage", "Usage: `/incident followup done <n>`"],
  ["followup done 0", "usage", "Give the number of one follow-up"],
  ["followup done 1 <@U0DANA>", "usage", "Usage: `/incident followup done <n>`"],
  ["followup done 1 2", "usage", "Usage: `/incident followup done <n>`"],
  ["followup reopen", "usage", "Usage: `/incident followup reopen <n>`"],
  ["followup reopen x", "usage", "Usage: `/incident followup reopen <n>`"],
  ["followup Done criteria for the rollout", "usage", "Usage: `/incident followup done <n>`"],
  ["log more", "usage", "takes nothing"],
];

describe("parseCommand: valid forms", () => {
  it.each(VALID)("%j", (text, expected) => {
    const command = ok(text);
    expect(command).toStrictEqual(expected);
    expect(CommandSchema.parse(command)).toStrictEqual(expected);
  });
});

describe("parseCommand: invalid forms", () => {
  it.each(INVALID)("%j -> %s", (text, code, fragment) => {
    const r = bad(text);
    expect(r.code).toBe(code);
    expect(r.message).toContain(fragment);
  });
});

describe("verbs and sub-commands are case-insensitive", () => {
  it.each(VALID.filter(([t]) => t.trim() !== ""))("%j", (text, expected) => {
    const [verb = "", ...rest] = text.split(" ");
    // Upper-case the verb, and the oncall sub-command too when there is one.
    const sub =
      verb === "oncall" && rest[0] && /^[a-z]+$/.test(rest[0])
        ? [rest[0].toUpperCase(), ...rest.slice(1)]
        : rest;
    const shouted = [verb.toUpperCase(), ...sub].join(" ");
    const mixed = [verb.charAt(0).toUpperCase() + verb.slice(1), ...rest].join(" ");
    expect(ok(shouted)).toStrictEqual(expected);
    expect(ok(mixed)).toStrictEqual(expected);
  });
});

describe("every help entry", () => {
  it.each(HELP.map((e) => [e.verb, e] as const))("%s: its example parses to its command", (_verb, entry) => {
    // Examples show what a person types; the adapter turns `@alice` into a mention `<@…>` before the grammar.
    const command = ok(entry.example.replace(/@(\w+)/g, "<@U$1>"));
    expect(command.name).toBe(entry.verb.replace(/[ -]/g, "_"));
  });

  it("covers every command name exactly once (open_form rides on open)", () => {
    const names = HELP.map((e) => e.verb.replace(/[ -]/g, "_"));
    const schemaNames = CommandSchema.options.map((o) => o.shape.name.value).filter((n) => n !== "open_form");
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toStrictEqual([...schemaNames].sort());
  });

  it("is the source of the grammar's usage messages", () => {
    for (const e of HELP) {
      const line = usageLine(e.verb);
      expect(line).toBe(`Usage: \`/incident ${e.usage}\` — for example \`/incident ${e.example}\`.`);
    }
    // An error for a verb quotes that verb's own help entry, word for word.
    expect(bad("sev").message).toBe(usageLine("sev"));
    expect(bad("sev").message).toBe("Usage: `/incident sev <1-4>` — for example `/incident sev 2`.");
    expect(bad("oncall plan").message).toBe(usageLine("oncall plan"));
  });

  it("helpFor refuses a verb that does not exist (a grammar bug, not an input error)", () => {
    expect(() => helpFor("nope")).toThrow(/no help entry/);
  });
});

describe("helpLines", () => {
  it("lists every command with its description", () => {
    const lines = helpLines();
    expect(lines).toHaveLength(HELP.length);
    expect(lines[0]).toBe(
      "`/incident open <title> [sev1-4] [service:<id>] [kind:change|guidance]` — Open an incident. On its own, `open` shows a form.",
    );
  });

  it("filters by topic, and falls back to everything for an unknown one", () => {
    expect(helpLines("/incident", "oncall")).toHaveLength(9);
    // `help oncall away` shows both forms: declaring an absence, and listing them.
    expect(helpLines("/incident", "oncall away")).toStrictEqual([
      "`/incident oncall away <from> <to>` — Tell the planner you are away, so it plans around you.",
      "`/incident oncall away` — List your absences from now on, each with a Remove button.",
    ]);
    expect(helpLines("/incident", "oncall swap")).toStrictEqual([
      "`/incident oncall swap @a @b [rotation]` — Swap the next shifts of two people.",
    ]);
    expect(helpLines("/incident", "OPEN")).toHaveLength(1);
    expect(helpLines("/incident", "nothing")).toHaveLength(HELP.length);
  });

  it("uses the invocation the person used", () => {
    expect(helpLines("@firebreak")[1]).toBe("`@firebreak ack` — Acknowledge the page: you are on it.");
    const r = parseCommand("sev", { invocation: "@firebreak" });
    expect(r.ok ? "" : r.message).toBe("Usage: `@firebreak sev <1-4>` — for example `@firebreak sev 2`.");
  });

  it("renders as markup with nothing but code spans and text", () => {
    for (const line of helpLines()) {
      for (const span of parseMarkup(line)) expect(["text", "code"]).toContain(span.kind);
    }
  });
});

describe("open: title rules", () => {
  it("keeps the title as typed: case, punctuation, mentions and broadcasts (rendering escapes them)", () => {
    expect(ok("open <!channel> @here DB is DOWN!!")).toStrictEqual({
      name: "open",
      title: "<!channel> @here DB is DOWN!!",
    });
    expect(ok("open Outage for <@U0ALICE>'s team: *everything* _burns_ `now`")).toMatchObject({
      title: "Outage for <@U0ALICE>'s team: *everything* _burns_ `now`",
    });
  });

  it("strips control characters; line breaks and tabs become single spaces", () => {
    expect(
      ok("open Search\u0000 is\tdown\r\n\r\nagain\u0085now\u2028\u001b[31mred\u009b sev2"),
    ).toStrictEqual({
      name: "open",
      title: "Search is down again now [31mred",
      severity: "sev2",
    });
  });

  it("strips bidi overrides, which would reverse the bot's own words after the title", () => {
    expect(ok("open \u202eevil\u202c title\u2066")).toMatchObject({ title: "evil title" });
  });

  it("replaces lone surrogates, which no platform can encode", () => {
    expect(ok("open broken \ud800 text")).toMatchObject({ title: "broken \ufffd text" });
    expect(ok("open fine 🔥 emoji")).toMatchObject({ title: "fine 🔥 emoji" });
  });

  it(`allows ${TITLE_MAX} characters, counting an emoji as one`, () => {
    const title = `${"🔥".repeat(TITLE_MAX - 1)}x`;
    expect(ok(`open ${title} sev1`)).toStrictEqual({ name: "open", title, severity: "sev1" });
  });

  it("refuses a 5,000-character title, saying the limit and where the details go", () => {
    const r = bad(`open ${"a".repeat(5000)} sev1`);
    expect(r.code).toBe("too_long");
    expect(r.message).toContain(`The title is 5,000 characters; the limit is ${TITLE_MAX}.`);
    expect(r.message).toContain("add the details as a description in the incident channel");
    expect(r.message).toContain(usageLine("open"));
    expect(r.message.length).toBeLessThan(400);
  });

  it("counts the title after the options come out", () => {
    const title = "b".repeat(TITLE_MAX);
    expect(ok(`open sev1 ${title} service:search`)).toMatchObject({ title });
    expect(bad(`open sev1 ${title}b service:search`).code).toBe("too_long");
  });

  it("parseTitle applies the same rules for titles from the form", () => {
    expect(parseTitle("  A\u0000\n title  ")).toStrictEqual({ ok: true, text: "A title" });
    expect(parseTitle(" \u0007 ")).toMatchObject({ ok: false, message: "An incident needs a title." });
    expect(parseTitle("x".repeat(151))).toMatchObject({ ok: false });
  });
});

describe("free text", () => {
  it("keeps line breaks and spacing, drops control characters", () => {
    expect(ok("note first\r\n\tsecond\u0000 line\u202e")).toStrictEqual({
      name: "note",
      text: "first\n second line",
    });
  });

  it(`allows ${TEXT_MAX} characters and refuses one more`, () => {
    expect(ok(`update ${"u".repeat(TEXT_MAX)}`)).toMatchObject({ name: "update" });
    const r = bad(`update ${"u".repeat(TEXT_MAX + 1)}`);
    expect(r.code).toBe("too_long");
    expect(r.message).toContain("The update is 3,001 characters; the limit is 3000.");
  });

  it("limits handoff notes, help requests and follow-ups too", () => {
    const long = "z".repeat(TEXT_MAX + 1);
    expect(bad(`handoff <@U0BOB> ${long}`).code).toBe("too_long");
    expect(bad(`help-wanted ${long}`).code).toBe("too_long");
    expect(bad(`followup ${long} <@U0BOB>`).code).toBe("too_long");
  });

  it("cleanFreeText trims the ends only", () => {
    expect(cleanFreeText("\n  a  b\n\n c \t")).toBe("a  b\n\n c");
  });
});

describe("input the grammar must survive", () => {
  it("refuses input far too long to be a command, without reading it", () => {
    const r = bad(`note ${"x".repeat(50_000)}`);
    expect(r.code).toBe("too_long");
    expect(r.message).toContain("50,005 characters");
  });

  it("quotes what was typed on one line, cut short, and unescaped (templates escape every variable)", () => {
    const r = bad(`<!channel>\n${"y".repeat(200)}`);
    expect(r.message).toContain("Unknown command `<!channel>`.");
    const long = bad(`${"y".repeat(200)}`);
    expect(long.message).toContain(`\`${"y".repeat(40)}…\``);
    expect(long.message.length).toBeLessThan(150);
  });

  it("does not take a prototype property for a verb", () => {
    for (const word of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      expect(bad(word).code).toBe("unknown_command");
    }
  });

  it("works when text is not a string at run time (an adapter bug must not become a crash)", () => {
    expect(parseCommand(undefined as unknown as string)).toStrictEqual({
      ok: true,
      command: { name: "help" },
    });
  });
});
