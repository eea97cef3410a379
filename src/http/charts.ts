/**
 * The status page's charts: server-rendered SVG, no script, readable on a phone. For each measure (time to
 * acknowledge, mitigate, resolve, confirm) one panel of the median per ISO week over the last 12 weeks (bars),
 * and beside it in the same panel the median per severity (horizontal bars, all-time), each with its value
 * written out. One measure per panel with its own scale: the minutes of an acknowledgement and the days of a
 * confirmation do not fit one axis. Every bar carries a <title> (a tooltip, and what a screen reader reads).
 *
 * Beside the SVG, `renderServiceTable` gives the median of each measure per service as an HTML table.
 *
 * Private incidents are left out (the status page is public), and so are change and guidance requests (no
 * page to acknowledge) and duplicates merged into another incident. All text is escaped; the only text not
 * ours is the week and severity labels and the services' names, escaped all the same.
 */
import type { Incident } from "../core/incident/incident.js";
import { SEVERITIES } from "../core/incident/incident.js";
import {
  type Aggregate,
  byIsoWeek,
  byService,
  bySeverity,
  type IncidentTimes,
  incidentTimes,
  lastIsoWeeks,
  MEASURES,
  type Measure,
  NO_SERVICE,
} from "../core/metrics/incident-times.js";
import { escapeHtml } from "./html-escape.js";

export const CHART_WEEKS = 12;

const MEASURE_TITLE: Record<Measure, string> = {
  acknowledge: "Time to acknowledge",
  mitigate: "Time to mitigate",
  resolve: "Time to resolve",
  confirm: "Time to the reporter's confirmation",
};

const COLOR: Record<Measure, string> = {
  acknowledge: "#2563eb",
  mitigate: "#d97706",
  resolve: "#059669",
  confirm: "#7c3aed",
};

const WIDTH = 360;
const PANEL_HEIGHT = 250;
const LEFT = 44;
const RIGHT = WIDTH - 10;
const WEEKS_TOP = 30;
const WEEKS_BOTTOM = 130;
const SEV_TOP = 172;
const SEV_ROW = 17;

/** A duration the way people say it: "45 s", "12 min", "3.5 h", "2.1 d". */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${round1(seconds / 3600)} h`;
  return `${round1(seconds / 86_400)} d`;
}

const round1 = (n: number) => (Math.round(n * 10) / 10).toString();

/** The axis unit that suits the largest value, and a round top for the axis (1, 1.5, 2, 3, 4, 5, 6, 8 × 10ⁿ). */
function scaleFor(max: number): { unit: string; per: number; top: number } {
  const [unit, per] = max < 3600 ? ["min", 60] : max < 2 * 86_400 ? ["h", 3600] : ["d", 86_400];
  const inUnits = max / per;
  const power = 10 ** Math.floor(Math.log10(inUnits));
  const nice = [1, 1.5, 2, 3, 4, 5, 6, 8, 10].find((m) => m * power >= inUnits) ?? 10;
  return { unit, per, top: nice * power * per };
}

const f = (n: number) => (Math.round(n * 10) / 10).toString();

function weekPanel(measure: Measure, weeks: Aggregate[], y0: number): string {
  const max = Math.max(0, ...weeks.map((w) => w.medians[measure] ?? 0));
  const parts: string[] = [];
  const plotHeight = WEEKS_BOTTOM - WEEKS_TOP;
  const slot = (RIGHT - LEFT) / weeks.length;
  if (max === 0) {
    parts.push(
      `<text x="${f((LEFT + RIGHT) / 2)}" y="${y0 + (WEEKS_TOP + WEEKS_BOTTOM) / 2}" text-anchor="middle" class="fb-muted">No incident reached this in the last ${CHART_WEEKS} weeks</text>`,
    );
  } else {
    const { unit, per, top } = scaleFor(max);
    for (const fraction of [0, 0.5, 1]) {
      const y = y0 + WEEKS_BOTTOM - plotHeight * fraction;
      parts.push(`<line x1="${LEFT}" x2="${RIGHT}" y1="${f(y)}" y2="${f(y)}" class="fb-grid"/>`);
      parts.push(
        `<text x="${LEFT - 4}" y="${f(y + 4)}" text-anchor="end" class="fb-tick">${escapeHtml(String(Math.round(((top * fraction) / per) * 100) / 100))}</text>`,
      );
    }
    parts.push(
      `<text x="10" y="${f(y0 + (WEEKS_TOP + WEEKS_BOTTOM) / 2)}" transform="rotate(-90 10 ${f(y0 + (WEEKS_TOP + WEEKS_BOTTOM) / 2)})" text-anchor="middle" class="fb-tick">${escapeHtml(`median, ${unit}`)}</text>`,
    );
    weeks.forEach((week, i) => {
      const value = week.medians[measure];
      if (value === null) return;
      const h = Math.max(1, (plotHeight * value) / top);
      const x = LEFT + i * slot + slot * 0.15;
      const label = `Week ${week.key}: median ${MEASURE_TITLE[measure].toLowerCase()} ${formatSeconds(value)} (${week.reached[measure]} of ${week.count} incidents)`;
      parts.push(
        `<rect x="${f(x)}" y="${f(y0 + WEEKS_BOTTOM - h)}" width="${f(slot * 0.7)}" height="${f(h)}" fill="${COLOR[measure]}"><title>${escapeHtml(label)}</title></rect>`,
      );
    });
  }
  weeks.forEach((week, i) => {
    // Every other week is labelled: twelve labels do not fit a phone's width.
    if ((weeks.length - 1 - i) % 2 !== 0) return;
    const x = LEFT + i * slot + slot / 2;
    parts.push(
      `<text x="${f(x)}" y="${y0 + WEEKS_BOTTOM + 13}" text-anchor="middle" class="fb-tick">${escapeHtml(week.key.slice(5))}</text>`,
    );
  });
  parts.push(
    `<text x="${f((LEFT + RIGHT) / 2)}" y="${y0 + WEEKS_BOTTOM + 27}" text-anchor="middle" class="fb-tick">ISO week (opened)</text>`,
  );
  return parts.join("");
}

function severityPanel(measure: Measure, severities: Aggregate[], y0: number): string {
  const max = Math.max(0, ...severities.map((s) => s.medians[measure] ?? 0));
  const parts: string[] = [
    `<text x="10" y="${y0 + SEV_TOP - 6}" class="fb-sub">By severity (all time)</text>`,
  ];
  const barLeft = LEFT;
  const barRight = RIGHT - 60;
  severities.forEach((sev, i) => {
    const y = y0 + SEV_TOP + i * SEV_ROW;
    const value = sev.medians[measure];
    const name = sev.key.toUpperCase();
    parts.push(`<text x="10" y="${y + 11}" class="fb-tick">${escapeHtml(name)}</text>`);
    if (value === null || max === 0) {
      parts.push(`<text x="${barLeft}" y="${y + 11}" class="fb-muted">no data</text>`);
      return;
    }
    const w = Math.max(1, ((barRight - barLeft) * value) / max);
    const label = `${name}: median ${MEASURE_TITLE[measure].toLowerCase()} ${formatSeconds(value)} (${sev.reached[measure]} of ${sev.count} incidents)`;
    parts.push(
      `<rect x="${barLeft}" y="${y + 2}" width="${f(w)}" height="${SEV_ROW - 5}" fill="${COLOR[measure]}" opacity="0.8"><title>${escapeHtml(label)}</title></rect>`,
    );
    parts.push(
      `<text x="${f(barLeft + w + 4)}" y="${y + 11}" class="fb-tick">${escapeHtml(formatSeconds(value))}</text>`,
    );
  });
  return parts.join("");
}

/**
 * Text and lines take the page's colours (its CSS variables, status-html.ts), so they follow the page into dark
 * mode; outside the page (the SVG alone) they fall back to the current text colour. The bars' colours are
 * mid-tones that read on either background.
 */
const STYLE =
  "<style>.fb-h{font:600 14px system-ui,sans-serif;fill:var(--fg,currentColor)}" +
  ".fb-sub{font:600 11px system-ui,sans-serif;fill:var(--fg,currentColor)}" +
  ".fb-tick{font:10px system-ui,sans-serif;fill:var(--muted,currentColor)}" +
  ".fb-muted{font:italic 11px system-ui,sans-serif;fill:var(--muted,currentColor)}" +
  ".fb-grid{stroke:var(--line,currentColor);stroke-width:1}</style>";

function svgOpen(height: number, title: string, desc: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" ` +
    `preserveAspectRatio="xMidYMin meet" role="img" aria-labelledby="fb-charts-title fb-charts-desc" ` +
    `class="firebreak-charts" style="max-width:40rem;height:auto">` +
    `<title id="fb-charts-title">${escapeHtml(title)}</title><desc id="fb-charts-desc">${escapeHtml(desc)}</desc>${STYLE}`
  );
}

/**
 * The incidents the charts count: real incidents that are not private, and not duplicates merged into another
 * (the survivor counts the outage once, as on the rest of the page).
 */
function charted(incidents: readonly Incident[]): IncidentTimes[] {
  return incidents
    .filter((i) => i.kind === "incident" && i.private !== true && !i.duplicateOf)
    .map((i) => incidentTimes(i));
}

/**
 * The charts as one inline <svg> element. `zone` decides which calendar day (and so which ISO week) an
 * opening falls on.
 */
export function renderCharts(incidents: readonly Incident[], now: Date, zone = "UTC"): string {
  const rows = charted(incidents);
  const title = "Incident response times";
  const anyData = rows.some((r) => MEASURES.some((m) => r.seconds[m] !== null));
  if (!anyData) {
    return (
      `${svgOpen(60, title, "No data yet.")}` +
      `<text x="${WIDTH / 2}" y="26" text-anchor="middle" class="fb-muted">No data yet: the charts fill in</text>` +
      `<text x="${WIDTH / 2}" y="42" text-anchor="middle" class="fb-muted">as incidents are acknowledged and resolved.</text></svg>`
    );
  }
  const weeks = byIsoWeek(rows, lastIsoWeeks(now, CHART_WEEKS, zone), zone);
  const severities = bySeverity(rows);
  const desc =
    `Median time to acknowledge, mitigate, resolve and to the reporter's confirmation per ISO week ` +
    `(last ${CHART_WEEKS} weeks) and per severity (${SEVERITIES.map((s) => s.toUpperCase()).join(", ")}).`;
  const panels = MEASURES.map((measure, i) => {
    const y0 = i * PANEL_HEIGHT;
    return (
      `<g class="fb-panel fb-${measure}">` +
      `<text x="10" y="${y0 + 18}" class="fb-h">${escapeHtml(MEASURE_TITLE[measure])}</text>` +
      weekPanel(measure, weeks, y0) +
      severityPanel(measure, severities, y0) +
      `</g>`
    );
  });
  return `${svgOpen(PANEL_HEIGHT * MEASURES.length, title, desc)}${panels.join("")}</svg>`;
}

const SHORT_TITLE: Record<Measure, string> = {
  acknowledge: "Acknowledge",
  mitigate: "Mitigate",
  resolve: "Resolve",
  confirm: "Confirmation",
};

/**
 * The median of each measure per service (all time), as a table under the charts: a table rather than
 * another chart because services are many and their names long, and a table reads on a phone and to a screen
 * reader alike. `serviceName` gives a service's display name (its config `name`). Empty when nothing is charted.
 */
export function renderServiceTable(
  incidents: readonly Incident[],
  serviceName: (id: string) => string,
): string {
  const rows = charted(incidents);
  if (rows.length === 0) return "";
  const cell = (value: number | null) => (value === null ? "—" : escapeHtml(formatSeconds(value)));
  const name = (key: string) =>
    key === NO_SERVICE && serviceName(key) === key ? "No service" : serviceName(key);
  const body = byService(rows)
    .map(
      (s) =>
        `<tr><th scope="row">${escapeHtml(name(s.key))}</th><td>${s.count}</td>` +
        MEASURES.map((m) => `<td>${cell(s.medians[m])}</td>`).join("") +
        "</tr>",
    )
    .join("\n");
  return `<table class="fb-services">
<caption>Median times by service (all time)</caption>
<thead><tr><th scope="col">Service</th><th scope="col">Incidents</th>${MEASURES.map((m) => `<th scope="col">${SHORT_TITLE[m]}</th>`).join("")}</tr></thead>
<tbody>
${body}
</tbody>
</table>`;
}
