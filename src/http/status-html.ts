/**
 * The HTML of the status pages: plain server-rendered documents, no script, one column that reads on a phone,
 * light or dark as the reader's system prefers, refreshing themselves every minute.
 *
 * Every piece of text that came from a person (titles, updates, service names from the config) goes through
 * `escapeHtml` (html-escape.ts; or `updateHtml`, which escapes) here or in charts.ts, and nothing else builds
 * markup, so a title like `<script>` is shown, not run. The pages also carry a CSP without any script source
 * (status-page.ts), a second wall behind this one.
 * Links are relative (`incidents/INC-4`, `../status`) so the pages work under any path prefix a proxy adds.
 */
import type { Incident, IncidentState } from "../core/incident/incident.js";
import { severityLabel } from "../core/incident/incident.js";
import { formatTime, unescapeMarkup } from "../core/templates/helpers.js";
import { escapeHtml } from "./html-escape.js";
import { closedAt, resolvedAt } from "./status-select.js";

/** Seconds between the page's own reloads (`<meta http-equiv="refresh">`). */
export const REFRESH_SECONDS = 60;

/** The lifecycle states as the public reads them. */
export const STATE_WORDS: Record<IncidentState, string> = {
  triggered: "Reported",
  acknowledged: "Acknowledged",
  investigating: "Investigating",
  identified: "Cause identified",
  mitigated: "Mitigated",
  fix_merged: "Fix ready",
  fix_deployed: "Fix deployed",
  resolved: "Resolved",
  closed: "Closed",
  reopened: "Reopened",
};

/** What the page needs beyond the incidents: where and when it is read. */
export interface PageFrame {
  /** The config's zone: every time is shown in it, with the zone named. */
  zone: string;
  now: Date;
  /** A service's display name (its config `name`, else its id). */
  serviceName(id: string): string;
  /** A person's display name from a platform user id, for mentions inside updates. */
  personName(platformUserId: string): string | undefined;
}

// ---- times -------------------------------------------------------------------------------------------------

/** "12 min ago", "in 3 h", "just now": how far an instant is from now, coarsely. */
export function relative(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime();
  const abs = Math.abs(ms);
  if (!Number.isFinite(ms)) return "";
  if (abs < 60_000) return "just now";
  const [n, unit] =
    abs < 3_600_000
      ? [Math.floor(abs / 60_000), "min"]
      : abs < 86_400_000
        ? [Math.floor(abs / 3_600_000), "h"]
        : [Math.floor(abs / 86_400_000), abs < 2 * 86_400_000 ? "day" : "days"];
  return ms < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
}

/** An instant in the page's zone, with the zone named, and how long ago (or ahead) it is. */
function when(iso: string | undefined, frame: PageFrame): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return "unknown";
  const wall = unescapeMarkup(formatTime(iso, frame.zone));
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(wall)}</time> <span class="rel">(${escapeHtml(relative(iso, frame.now))})</span>`;
}

// ---- text people wrote -------------------------------------------------------------------------------------

/** A mention as commands carry it (the grammar keeps `<@U123>` and drops everything else to plain text). */
const MENTION = /<@([A-Za-z0-9._-]{1,64})(?:\|[^>]*)?>/g;

/**
 * An update's text as HTML: the plain text people typed, escaped, with mentions shown as the person's name
 * (a platform id means nothing to readers and is not theirs to see). Line breaks are kept by the CSS.
 */
export function updateHtml(text: string, frame: PageFrame): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(MENTION)) {
    out += escapeHtml(text.slice(last, m.index));
    out += escapeHtml(`@${frame.personName(m[1] as string) ?? "someone"}`);
    last = m.index + m[0].length;
  }
  return out + escapeHtml(text.slice(last));
}

// ---- the frame of every page -------------------------------------------------------------------------------

const STYLE = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1a1a1a; --muted: #555555; --line: #d0d0d0;
  --card: #f6f6f6; --link: #0b57d0; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #121212; --fg: #ececec; --muted: #b0b0b0; --line: #3a3a3a; --card: #1e1e1e; --link: #8ab4f8; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 46rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0 0.25rem; }
h2 { font-size: 1.15rem; margin: 1.75rem 0 0.5rem; border-bottom: 1px solid var(--line); padding-bottom: 0.25rem; }
p, li, h1, h2, h3 { overflow-wrap: anywhere; }
a { color: var(--link); }
.muted, .rel { color: var(--muted); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 0.5rem; padding: 0.75rem;
  margin: 0 0 0.75rem; }
.card h3 { font-size: 1.05rem; margin: 0 0 0.25rem; }
.sev { display: inline-block; font-weight: 700; font-size: 0.8rem; padding: 0 0.4rem; border-radius: 0.25rem;
  color: #111111; }
.sev1 { background: #ff8a80; } .sev2 { background: #ffb74d; } .sev3 { background: #fff176; }
.sev4 { background: #b0bec5; }
.state { font-weight: 600; }
dl { margin: 0.25rem 0 0; display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.75rem; }
dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
blockquote { margin: 0.5rem 0 0; padding-left: 0.75rem; border-left: 3px solid var(--line);
  overflow-wrap: anywhere; white-space: pre-wrap; }
ol.timeline { list-style: none; padding: 0; margin: 0; }
ol.timeline li { border-left: 3px solid var(--line); padding: 0 0 0.75rem 0.75rem; }
ol.timeline li.update { border-left-color: var(--link); }
.charts svg { max-width: 100%; height: auto; display: block; }
.charts table { border-collapse: collapse; margin: 0.75rem 0 0; font-size: 0.9rem; }
.charts caption { text-align: left; font-weight: 600; margin-bottom: 0.25rem; }
.charts th, .charts td { border-bottom: 1px solid var(--line); padding: 0.2rem 0.6rem 0.2rem 0; text-align: right;
  overflow-wrap: anywhere; }
.charts th:first-child, .charts td:first-child { text-align: left; }
.charts thead th { color: var(--muted); font-weight: 600; }
footer { margin-top: 2rem; font-size: 0.85rem; }
`;

/** A whole document around `body`; `refresh` makes it reload itself (the pages whose content moves). */
export function page(title: string, body: string, options: { refresh?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
${options.refresh ? `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">\n` : ""}<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function severityBadge(incident: Incident): string {
  return `<span class="sev ${incident.severity}">${severityLabel(incident.severity)}</span>`;
}

function serviceLine(incident: Incident, frame: PageFrame): string {
  return incident.service
    ? `<dt>Service</dt><dd>${escapeHtml(frame.serviceName(incident.service))}</dd>`
    : "";
}

// ---- /status -----------------------------------------------------------------------------------------------

function ongoingCard(incident: Incident, frame: PageFrame): string {
  const update = incident.lastUpdate;
  const due = incident.timers?.update?.dueAt;
  return `<article class="card">
<h3>${severityBadge(incident)} <a href="incidents/${escapeHtml(incident.id)}">${escapeHtml(incident.id)}: ${escapeHtml(incident.title)}</a></h3>
<dl>
<dt>Status</dt><dd class="state">${STATE_WORDS[incident.state]}</dd>
${serviceLine(incident, frame)}<dt>Since</dt><dd>${when(incident.createdAt, frame)}</dd>
${due ? `<dt>Next update</dt><dd>${when(due, frame)}</dd>\n` : ""}</dl>
${
  update
    ? `<p class="muted">Latest update, ${when(update.at, frame)}:</p>\n<blockquote>${updateHtml(update.text, frame)}</blockquote>`
    : `<p class="muted">No update posted yet.</p>`
}
</article>`;
}

function resolvedCard(incident: Incident, frame: PageFrame): string {
  const closed = closedAt(incident);
  return `<article class="card">
<h3>${severityBadge(incident)} <a href="incidents/${escapeHtml(incident.id)}">${escapeHtml(incident.id)}: ${escapeHtml(incident.title)}</a></h3>
<dl>
${serviceLine(incident, frame)}<dt>Opened</dt><dd>${when(incident.createdAt, frame)}</dd>
<dt>Resolved</dt><dd>${when(resolvedAt(incident), frame)}</dd>
${closed ? `<dt>Closed</dt><dd>${when(closed, frame)}</dd>\n` : ""}</dl>
</article>`;
}

export interface StatusPageView {
  ongoing: Incident[];
  resolved: Incident[];
  /** The charts' inline SVG and the per-service table (already safe markup, from charts.ts), or absent. */
  charts?: string;
}

export function statusPage(view: StatusPageView, frame: PageFrame): string {
  const count = view.ongoing.length;
  const headline =
    count === 0
      ? "All systems operational: no ongoing incidents."
      : count === 1
        ? "1 ongoing incident."
        : `${count} ongoing incidents.`;
  const body = `<h1>Status</h1>
<p>${headline}</p>
<h2>Ongoing incidents</h2>
${count ? view.ongoing.map((i) => ongoingCard(i, frame)).join("\n") : `<p class="muted">None right now.</p>`}
<h2>Resolved in the last 30 days</h2>
${view.resolved.length ? view.resolved.map((i) => resolvedCard(i, frame)).join("\n") : `<p class="muted">No incidents were resolved in the last 30 days.</p>`}
<h2>How fast we respond</h2>
<section class="charts">
${view.charts ?? `<p class="muted">Charts are not available yet.</p>`}
</section>
${footer(frame)}`;
  return page("Status", body, { refresh: true });
}

function footer(frame: PageFrame): string {
  return `<footer class="muted">Updated ${escapeHtml(unescapeMarkup(formatTime(frame.now.toISOString(), frame.zone)))}; this page refreshes every minute.</footer>`;
}

// ---- /incidents/INC-n --------------------------------------------------------------------------------------

/** One line of an incident's public history: an update someone wrote, or a short note of a change. */
export type PublicEntry =
  | { at: string; kind: "update"; text: string }
  | { at: string; kind: "change"; words: string };

export function incidentPage(incident: Incident, entries: PublicEntry[], frame: PageFrame): string {
  const resolved = resolvedAt(incident);
  const closed = closedAt(incident);
  const over = incident.state === "resolved" || incident.state === "closed";
  const due = over ? undefined : incident.timers?.update?.dueAt;
  const lines = entries.map((e) =>
    e.kind === "update"
      ? `<li class="update"><p class="muted">${when(e.at, frame)}</p><blockquote>${updateHtml(e.text, frame)}</blockquote></li>`
      : `<li><p><span class="muted">${when(e.at, frame)}</span><br>${escapeHtml(e.words)}</p></li>`,
  );
  const body = `<p><a href="../status">← All incidents</a></p>
<h1>${severityBadge(incident)} ${escapeHtml(incident.id)}: ${escapeHtml(incident.title)}</h1>
<dl>
<dt>Status</dt><dd class="state">${STATE_WORDS[incident.state]}</dd>
${serviceLine(incident, frame)}<dt>Opened</dt><dd>${when(incident.createdAt, frame)}</dd>
${over && resolved ? `<dt>Resolved</dt><dd>${when(resolved, frame)}</dd>\n` : ""}${closed ? `<dt>Closed</dt><dd>${when(closed, frame)}</dd>\n` : ""}${due ? `<dt>Next update</dt><dd>${when(due, frame)}</dd>\n` : ""}</dl>
<h2>Updates</h2>
${lines.length ? `<ol class="timeline">\n${lines.join("\n")}\n</ol>` : `<p class="muted">No updates yet.</p>`}
${footer(frame)}`;
  return page(`${incident.id}: ${incident.title}`, body, { refresh: !over || incident.state === "resolved" });
}

// ---- refusals ----------------------------------------------------------------------------------------------

export function notFoundPage(): string {
  return page(
    "Not found",
    `<h1>Not found</h1>\n<p>There is no such incident on this status page.</p>\n<p><a href="../status">See all incidents</a></p>`,
  );
}

export function tokenNeededPage(): string {
  return page(
    "Access token needed",
    `<h1>Access token needed</h1>\n<p>This status page needs its access token. Open it through the link you were given (it ends in <code>?token=…</code>); after that this browser remembers it.</p>`,
  );
}
