/**
 * The post-mortem draft: Markdown made from the incident as recorded (its summary, impact, timeline, fixes,
 * deploys and follow-ups) and the questions a review must answer (seed 002), through the operator-editable
 * template templates/postmortem.md.hbs. Pure: the web route reads the template file, looks up people's names
 * and the timeline, and calls `renderPostmortemDraft` on every request, so the draft always shows the
 * follow-ups added since.
 *
 * Safety: every string a person typed (title, summary, notes, follow-ups, names) reaches the template already
 * Markdown-escaped by `escapeMarkdown` and folded onto one line, and the template is compiled without
 * Handlebars' HTML escaping, so `{{x}}` and `{{{x}}}` print the same safe text. Nobody can smuggle a heading,
 * a link, an image or raw HTML into the draft.
 */
import { tz } from "@date-fns/tz";
import { format, isValid } from "date-fns";
import Handlebars from "handlebars";
import { formatDuration } from "../duration.js";
import { ConfigError } from "../errors.js";
import { markupToPlain } from "../markup.js";
import type { Settings } from "../settings.js";
import { formatTime } from "../templates/helpers.js";
import { type Incident, severityLabel } from "./incident.js";
import { idList, type TimelineEvent, type TimelineEventType } from "./timeline.js";

// ---- escaping --------------------------------------------------------------------------------------------

/**
 * The characters that make Markdown (CommonMark and GitHub's) out of plain text mid-line: emphasis, code,
 * links and images, raw HTML and autolinks, headings, tables, strikethrough, entities. Each is backslash-escaped,
 * which every CommonMark renderer shows as the character itself.
 */
const MARKDOWN_SPECIAL = /[\\`*_{}[\]<>#|~&!]/g;

/**
 * GitHub's extended autolinks: a bare `https://…`, `http://…`, `ftp://…`, `www.…` or e-mail address becomes a
 * link with no Markdown syntax at all. A backslash before the scheme's colon, the dot after `www` or the `@`
 * (each an escapable punctuation character, shown as itself) splits the text so the pattern is never whole.
 */
// No `\b`: GitHub also links right after `_`, `*`, `~` or `(`, and a backslash too many is harmless.
const AUTOLINK_SCHEME = /(https?|ftp)(?=:\/\/)/gi;
const AUTOLINK_WWW = /(www)(?=\.)/gi;
const AUTOLINK_EMAIL = /(?<=[\w.+-])@(?=[\w-])/g;

/** A line that starts like these is a list item (`- x`, `+ x`, `1. x`, `1) x`); `*` is escaped anyway. */
const BULLET_START = /^[-+]/;
const ORDERED_START = /^(\d{1,9})([.)])/;

/**
 * Plain text as literal Markdown on one line: specials escaped, line breaks (which could start blocks) folded,
 * autolinks broken, and a list marker at its start escaped (the summary stands on a line of its own).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, " ")
    .replace(MARKDOWN_SPECIAL, (c) => `\\${c}`)
    .trim()
    .replace(AUTOLINK_SCHEME, "$1\\")
    .replace(AUTOLINK_WWW, "$1\\")
    .replace(AUTOLINK_EMAIL, "\\@")
    .replace(BULLET_START, (marker) => `\\${marker}`)
    .replace(ORDERED_START, "$1\\$2");
}

/** A URL as a Markdown autolink, only when it is a plain http(s) URL; otherwise escaped text. */
function autolink(url: string): string {
  return /^https?:\/\/[^\s<>]+$/i.test(url) ? `<${url}>` : escapeMarkdown(url);
}

// ---- times ---------------------------------------------------------------------------------------------

/** "2026-11-20 23:05 CET": the date with the year (a document outlives the week), in the config zone. */
export function draftTime(iso: string | undefined, zone: string): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (!isValid(date)) return escapeMarkdown(iso);
  let day: string;
  try {
    day = format(date, "yyyy-MM-dd", { in: tz(zone) });
  } catch {
    day = format(date, "yyyy-MM-dd", { in: tz("UTC") });
  }
  // formatTime gives "Fri 20 Nov 23:05 CET" with the zone's usual abbreviation: keep its time and zone.
  const [, , , time, ...abbr] = formatTime(iso, zone).split(" ");
  return `${day} ${time} ${abbr.join(" ")}`.trim();
}

// ---- the view the template gets ----------------------------------------------------------------------------

/** One timeline line: exactly one `is.<type>` is true; the other fields are set when the event recorded them. */
export interface DraftEvent {
  at: string;
  /** Who did it (a name), or "Firebreak" for the bot's own doing. */
  actor: string;
  is: Partial<Record<TimelineEventType, boolean>>;
  /** The event type in words, for a type the template has no line for. */
  kind: string;
  text?: string;
  summary?: string;
  reason?: string;
  from?: string;
  to?: string;
  incident?: string;
  title?: string;
  severity?: string;
  /** A person the event is about, by name. */
  user?: string;
  /** People it reached, by name, comma-separated. */
  users?: string;
  ref?: string;
  until?: string;
  count?: number;
  n?: string;
  service?: string;
  environment?: string;
  version?: string;
  due?: string;
}

export interface PostmortemDraftVars {
  incident: {
    id: string;
    title: string;
    severity: string;
    state: string;
    service?: string;
    private: boolean;
  };
  timezone: string;
  generatedAt: string;
  summary?: string;
  impact: {
    severity: string;
    service?: string;
    /** From opening to resolution, in words ("2h 15m"); absent while unresolved. */
    duration?: string;
    reporters: number;
    opened: string;
    acknowledged?: string;
    mitigated?: string;
    fixDeployed?: string;
    resolved?: string;
    closed?: string;
  };
  commander?: string;
  reporters: string[];
  responders: string[];
  timeline: DraftEvent[];
  fixes: Array<{ ref: string; recorded: string; by: string; deployed?: string }>;
  deploys: Array<{ service: string; environment: string; version: string; at: string }>;
  followups: Array<{
    n: number;
    text: string;
    done: boolean;
    state: string;
    owner?: string;
    doneAt?: string;
  }>;
  postmortem?: { owner: string; due: string; created: string; by: string; done?: { at: string; by: string } };
}

/** Every platform user id the draft names, so the caller can look their names up once. */
export function peopleInDraft(incident: Incident, timeline: readonly TimelineEvent[]): string[] {
  const ids = new Set<string>();
  const add = (id: string | undefined) => {
    if (id) ids.add(id);
  };
  for (const r of incident.reporters) add(r.platformUserId);
  add(incident.commander?.platformUserId);
  add(incident.comms?.platformUserId);
  for (const r of incident.responders ?? []) add(r.platformUserId);
  for (const f of incident.fixes ?? []) add(f.actor);
  for (const f of incident.followups ?? []) add(f.owner);
  add(incident.postmortem?.owner);
  add(incident.postmortem?.by);
  add(incident.postmortem?.done?.by);
  for (const e of timeline) {
    add(e.actor);
    for (const key of USER_FIELDS) add(e.data[key]);
    for (const key of USER_LIST_FIELDS) for (const id of idList(e.data[key])) add(id);
  }
  return [...ids];
}

/** Event fields that hold one platform user id, and those that hold a comma-separated list of them. */
const USER_FIELDS = ["commander", "user", "owner", "author"] as const;
const USER_LIST_FIELDS = ["targets", "users"] as const;
/** Types whose `from` / `to` are people rather than severities or states. */
const PEOPLE_MOVES: ReadonlySet<TimelineEventType> = new Set([
  "commander_changed",
  "comms_changed",
  "commander_offered",
]);

/** How long quoted texts (notes, updates) may run in one timeline line; the whole stays in Firebreak. */
const QUOTE_MAX = 500;

function quote(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const one = text.replace(/\s+/g, " ").trim();
  return escapeMarkdown(one.length > QUOTE_MAX ? `${one.slice(0, QUOTE_MAX - 1)}…` : one);
}

/** Names people by `names` (platform user id → display name), falling back to the id itself. */
type NameOf = (id: string) => string;

function draftEvent(e: TimelineEvent, zone: string, nameOf: NameOf): DraftEvent {
  const d = e.data;
  const person = (id: string | undefined) => (id ? escapeMarkdown(nameOf(id)) : undefined);
  const people = (list: string | undefined) => {
    const names = idList(list).map((id) => escapeMarkdown(nameOf(id)));
    return names.length ? names.join(", ") : undefined;
  };
  const movesPeople = PEOPLE_MOVES.has(e.type);
  const fields: Omit<DraftEvent, "at" | "actor" | "is" | "kind"> = {
    text: e.type === "message_pinned" ? quote(markupToPlain(d.text ?? "")) : quote(d.text),
    summary: quote(d.summary),
    reason: quote(d.reason),
    from: movesPeople ? person(d.from) : quote(d.from),
    to: movesPeople ? person(d.to) : quote(d.to),
    incident: quote(d.merged ?? d.into ?? (e.type === "duplicate_merged_in" ? d.from : undefined)),
    title: quote(d.title),
    severity: quote(d.severity),
    user: person(d.commander ?? d.user ?? d.owner ?? d.author),
    users: people(d.targets ?? d.users),
    ref: d.ref ? autolink(d.ref) : undefined,
    until: d.until ? draftTime(d.until, zone) : undefined,
    count:
      e.type === "escalated" || e.type === "page_repeated"
        ? Number(d.step ?? "0") + 1
        : e.type === "update_overdue"
          ? Number(d.misses ?? "0") || undefined
          : undefined,
    n: quote(d.n),
    service: quote(d.service),
    environment: quote(d.environment),
    version: quote(d.version),
    due: d.dueAt ? draftTime(d.dueAt, zone) : undefined,
  };
  const event: DraftEvent = {
    at: draftTime(e.at, zone),
    actor: e.actor ? escapeMarkdown(nameOf(e.actor)) : "Firebreak",
    is: { [e.type]: true },
    kind: e.type.replace(/_/g, " "),
  };
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined && v !== "") (event as unknown as Record<string, unknown>)[k] = v;
  }
  return event;
}

/** The variables of templates/postmortem.md.hbs, every person-typed string already Markdown-safe. */
export function postmortemDraftVars(
  settings: Settings,
  incident: Incident,
  timeline: readonly TimelineEvent[],
  names: ReadonlyMap<string, string>,
  now: Date,
): PostmortemDraftVars {
  const zone = settings.timezone;
  const nameOf: NameOf = (id) => names.get(id) ?? id;
  const who = (id: string) => escapeMarkdown(nameOf(id));
  const time = (iso: string | undefined) => (iso ? draftTime(iso, zone) : undefined);
  const service = incident.service ? settings.services.find((s) => s.id === incident.service) : undefined;
  const serviceName = incident.service ? escapeMarkdown(service?.name ?? incident.service) : undefined;
  const milestones = incident.milestones ?? {};
  const resolvedAt = milestones.resolved ?? incident.resolution?.at;
  const opened = Date.parse(incident.createdAt);
  const duration =
    resolvedAt && Date.parse(resolvedAt) >= opened
      ? formatDuration(Date.parse(resolvedAt) - opened)
      : undefined;
  const pm = incident.postmortem;
  const vars: PostmortemDraftVars = {
    incident: {
      id: incident.id,
      title: escapeMarkdown(incident.title),
      severity: severityLabel(incident.severity),
      state: incident.state,
      ...(serviceName && { service: serviceName }),
      private: incident.private === true,
    },
    timezone: zone,
    generatedAt: draftTime(now.toISOString(), zone),
    impact: {
      severity: severityLabel(incident.severity),
      ...(serviceName && { service: serviceName }),
      ...(duration && { duration }),
      reporters: new Set(incident.reporters.map((r) => r.platformUserId)).size,
      opened: draftTime(incident.createdAt, zone),
      ...optional("acknowledged", time(milestones.acknowledged)),
      ...optional("mitigated", time(milestones.mitigated)),
      ...optional("fixDeployed", time(milestones.fix_deployed)),
      ...optional("resolved", time(resolvedAt)),
      ...optional("closed", time(milestones.closed)),
    },
    reporters: [...new Set(incident.reporters.map((r) => r.platformUserId))].map(who),
    responders: (incident.responders ?? []).map((r) => who(r.platformUserId)),
    timeline: [...timeline]
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
      .map((e) => draftEvent(e, zone, nameOf)),
    fixes: (incident.fixes ?? []).map((f) => ({
      ref: f.refKind === "link" ? autolink(f.ref) : escapeMarkdown(f.ref),
      recorded: draftTime(f.at, zone),
      by: who(f.actor),
      ...optional("deployed", time(f.deployedAt)),
    })),
    deploys: (incident.deploys ?? []).map((d) => ({
      service: escapeMarkdown(d.service),
      environment: escapeMarkdown(d.environment),
      version: escapeMarkdown(d.version),
      at: draftTime(d.at, zone),
    })),
    followups: (incident.followups ?? []).map((f) => ({
      n: f.n,
      text: escapeMarkdown(f.text),
      done: f.state === "done",
      state: f.state,
      ...optional("owner", f.owner ? who(f.owner) : undefined),
      ...optional("doneAt", time(f.doneAt)),
    })),
  };
  if (incident.resolution?.summary) vars.summary = escapeMarkdown(incident.resolution.summary);
  if (incident.commander) vars.commander = who(incident.commander.platformUserId);
  if (pm) {
    vars.postmortem = {
      owner: who(pm.owner),
      due: draftTime(pm.dueAt, zone),
      created: draftTime(pm.createdAt, zone),
      by: who(pm.by),
      ...(pm.done && { done: { at: draftTime(pm.done.at, zone), by: who(pm.done.by) } }),
    };
  }
  return vars;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

// ---- the template --------------------------------------------------------------------------------------------

export type DraftTemplate = (vars: PostmortemDraftVars) => string;

/**
 * Compiles the Markdown template (its text, and its file name for the error). A syntax error is a ConfigError
 * naming the file and line, raised at start-up rather than at the first request.
 */
export function compilePostmortemTemplate(source: string, file: string): DraftTemplate {
  const env = Handlebars.create();
  try {
    env.parse(source);
  } catch (err) {
    // Handlebars says where: a `lineNumber` on block mismatches, "line N" in parse errors.
    const line = (err as { lineNumber?: number }).lineNumber ?? /line (\d+)/.exec(String(err))?.[1];
    throw new ConfigError(
      `${file}${line ? `:${line}` : ""}: the post-mortem template does not parse (${String(err).split("\n")[0]}) — fix it or copy Firebreak's templates/postmortem.md.hbs`,
    );
  }
  const render = env.compile(source, { noEscape: true });
  // Runs of blank lines left by `{{#if}}` blocks are folded to one, so the Markdown stays tidy.
  return (vars) =>
    `${render(vars)
      .replace(/\n{3,}/g, "\n\n")
      .trim()}\n`;
}
