/**
 * The help text. The grammar builds its usage messages from these same entries, so `help` and an error can
 * never describe a command two different ways.
 */

export interface HelpEntry {
  /** What the person types first: `open`, `help-wanted`, `oncall override`. */
  verb: string;
  /** The form without the invocation, in the notation of DESIGN.md §5: `<required>`, `[optional]`, `@user`. */
  usage: string;
  /** A complete, valid command (without the invocation); the grammar tests parse every one. */
  example: string;
  /** One line: what it does. */
  description: string;
}

/** The default invocation; adapters pass `@firebreak` (or their own bot name) when the text came from a mention. */
export const DEFAULT_INVOCATION = "/incident";

/** Every command, in the order help lists them (the order of DESIGN.md §5). */
export const HELP: readonly HelpEntry[] = [
  {
    verb: "open",
    usage: "open <title> [sev1-4] [service:<id>] [kind:change|guidance]",
    example: "open Checkout is failing sev2 service:payments",
    description: "Open an incident. On its own, `open` shows a form.",
  },
  { verb: "ack", usage: "ack", example: "ack", description: "Acknowledge the page: you are on it." },
  {
    verb: "update",
    usage: "update <text>",
    example: "update Rolled back the deploy; errors are falling.",
    description:
      "Post a status update: the channel, the pinned card, the announcement channel and everyone subscribed.",
  },
  {
    verb: "snooze",
    usage: "snooze <duration>",
    example: "snooze 30m",
    description: "Pause the update reminders for a while (1m to 1d).",
  },
  {
    verb: "reminders",
    usage: "reminders",
    example: "reminders",
    description: "Show which reminders and escalations are due, and when.",
  },
  { verb: "sev", usage: "sev <1-4>", example: "sev 2", description: "Change the severity." },
  {
    verb: "status",
    usage: "status <state>",
    example: "status mitigated",
    description: "Move the incident along: investigating, identified or mitigated.",
  },
  {
    verb: "fix",
    usage: "fix <link or sha>",
    example: "fix https://github.com/acme/shop/pull/42",
    description: "Record the fix: a pull-request link or a commit sha.",
  },
  { verb: "deployed", usage: "deployed", example: "deployed", description: "Mark the fix as deployed." },
  {
    verb: "resolve",
    usage: "resolve [summary]",
    example: "resolve Replaced the cache node; latency is back to normal.",
    description: "Resolve once mitigated or the fix is live; the reporters are asked to confirm.",
  },
  {
    verb: "reopen",
    usage: "reopen",
    example: "reopen",
    description: "Reopen a resolved or closed incident.",
  },
  {
    verb: "promote",
    usage: "promote [INC-<n>]",
    example: "promote INC-14",
    description: "Turn a change or guidance request into an incident.",
  },
  {
    verb: "commander",
    usage: "commander @user",
    example: "commander @alice",
    description: "Ask someone to take command; they accept or decline.",
  },
  {
    verb: "handoff",
    usage: "handoff @user [summary]",
    example: "handoff @bob Rollback done; watch the error rate.",
    description: "Offer command with a brief (a form opens without a summary); they accept or decline.",
  },
  {
    verb: "comms",
    usage: "comms @user",
    example: "comms @dana",
    description: "Make someone the communications lead.",
  },
  { verb: "join", usage: "join", example: "join", description: "Join the incident as a responder." },
  {
    verb: "help-wanted",
    usage: "help-wanted <text>",
    example: "help-wanted someone who knows the payments database",
    description: "Ask for a particular kind of help.",
  },
  {
    verb: "merge",
    usage: "merge INC-<n>",
    example: "merge INC-12",
    description: "This incident is a duplicate: fold it into INC-<n>.",
  },
  {
    verb: "subscribe",
    usage: "subscribe [INC-<n>]",
    example: "subscribe INC-12",
    description: "Get the updates of this incident, or of INC-<n>.",
  },
  {
    verb: "unsubscribe",
    usage: "unsubscribe [INC-<n>]",
    example: "unsubscribe INC-12",
    description: "Stop getting the updates of this incident, or of INC-<n>.",
  },
  {
    verb: "note",
    usage: "note <text>",
    example: "note Disk on db-3 filled up at 09:12.",
    description: "Add a note to the timeline.",
  },
  {
    verb: "timeline",
    usage: "timeline [INC-<n>]",
    example: "timeline",
    description: "Show the timeline of this incident, or of INC-<n>.",
  },
  { verb: "list", usage: "list", example: "list", description: "List the open incidents." },
  {
    verb: "show",
    usage: "show [INC-<n>]",
    example: "show INC-12",
    description: "Show the card of this incident, or of INC-<n>.",
  },
  {
    verb: "oncall",
    usage: "oncall [service|rotation]",
    example: "oncall search",
    description:
      "Who is on call now and next: for everything, a service or a rotation. A mention can ask `who is on call for search?`.",
  },
  {
    verb: "oncall override",
    usage: "oncall override @user <from> <to> [rotation]",
    example: "oncall override @bob 2026-11-21 09:00 2026-11-22 09:00 primary",
    description: "Put someone on call for a period (times in your zone unless they carry an offset).",
  },
  {
    verb: "oncall overrides",
    usage: "oncall overrides [rotation]",
    example: "oncall overrides primary",
    description:
      "List the overrides in force now and ahead (of your rotations unless you name one), each with a Remove button.",
  },
  {
    verb: "oncall swap",
    usage: "oncall swap @a @b [rotation]",
    example: "oncall swap @alice @bob",
    description: "Swap the next shifts of two people.",
  },
  {
    verb: "oncall cover",
    usage: "oncall cover <duration> [rotation]",
    example: "oncall cover 2h",
    description:
      "On call and need a break? Ask the others to cover you from now. Not on call? Take over the current shift from now.",
  },
  {
    verb: "oncall away",
    usage: "oncall away <from> <to>",
    example: "oncall away 2026-12-24T00:00 2027-01-02T00:00",
    description: "Tell the planner you are away, so it plans around you.",
  },
  {
    // Typed as bare `oncall away`; the verb only names the entry (and its command, oncall_away_list).
    verb: "oncall away list",
    usage: "oncall away",
    example: "oncall away",
    description: "List your absences from now on, each with a Remove button.",
  },
  {
    verb: "oncall plan",
    usage: "oncall plan <rotation> <weeks>",
    example: "oncall plan primary 8",
    description: "Draft the next weeks of a rotation, fairly.",
  },
  {
    verb: "oncall calendar",
    usage: "oncall calendar [rotation]",
    example: "oncall calendar primary",
    description: "Show who is on call when.",
  },
  {
    verb: "services",
    usage: "services",
    example: "services",
    description: "List the services and their owners.",
  },
  {
    verb: "followup",
    usage: "followup <text> [@owner]",
    example: "followup Alert on queue depth @dana",
    description: "Record a follow-up task, with an owner if you know one.",
  },
  {
    verb: "followup done",
    usage: "followup done <n>",
    example: "followup done 2",
    description: "Mark follow-up n done (`followup reopen <n>` undoes it).",
  },
  {
    verb: "followup reopen",
    usage: "followup reopen <n>",
    example: "followup reopen 2",
    description: "Reopen follow-up n.",
  },
  {
    verb: "followups",
    usage: "followups",
    example: "followups",
    description: "List this incident's follow-ups and their state.",
  },
  {
    verb: "visibility",
    usage: "visibility <public|private>",
    example: "visibility private",
    description: "Show or hide this incident on the public status page.",
  },
  {
    verb: "postmortem",
    usage: "postmortem [@owner]",
    example: "postmortem @dana",
    description: "Draft the postmortem from the timeline (once resolved), or name its owner.",
  },
  {
    verb: "postmortem done",
    usage: "postmortem done",
    example: "postmortem done",
    description: "Mark the postmortem done: its owner's reminders stop.",
  },
  { verb: "log", usage: "log", example: "log", description: "Show the incident log: past incidents." },
  { verb: "help", usage: "help [command]", example: "help oncall", description: "Show this help." },
];

const BY_VERB = new Map(HELP.map((e) => [e.verb, e]));

/** The entry of one verb. Throws on a verb that has none: that is a bug in the grammar, not in the input. */
export function helpFor(verb: string): HelpEntry {
  const entry = BY_VERB.get(verb);
  if (!entry) throw new Error(`no help entry for "${verb}"`);
  return entry;
}

/** `Usage: \`/incident sev <1-4>\` — for example \`/incident sev 2\`.` */
export function usageLine(verb: string, invocation = DEFAULT_INVOCATION): string {
  const e = helpFor(verb);
  return `Usage: \`${invocation} ${e.usage}\` — for example \`${invocation} ${e.example}\`.`;
}

/**
 * One line per command, for the help message. No user text is in it, so it reads the same as plain text and as
 * markup (where the backticks become code spans). With `topic` ("oncall", "open"), only the commands that
 * start with it; every command when nothing matches, so help never comes back empty.
 */
export function helpLines(invocation = DEFAULT_INVOCATION, topic?: string): string[] {
  return helpEntries(topic).map((e) => `\`${invocation} ${e.usage}\` — ${e.description}`);
}

/** The entries `help <topic>` shows: the commands that start with the topic, or all of them when none does. */
export function helpEntries(topic?: string): readonly HelpEntry[] {
  const wanted = topic?.trim().toLowerCase();
  const matching = wanted ? HELP.filter((e) => e.verb === wanted || e.verb.startsWith(`${wanted} `)) : [];
  return matching.length > 0 ? matching : HELP;
}
