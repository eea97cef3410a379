import { describe, expect, it } from "vitest";
import type { Incident } from "../../src/core/incident/incident.js";
import { type TimelineEvent, timelineEvent } from "../../src/core/incident/timeline.js";
import { escapeHtml } from "../../src/http/html-escape.js";
import { cookieValue } from "../../src/http/status-access.js";
import {
  incidentPage,
  type PageFrame,
  relative,
  statusPage,
  updateHtml,
} from "../../src/http/status-html.js";
import { candidates, ongoing, recentlyResolved } from "../../src/http/status-select.js";
import { publicEntries } from "../../src/http/status-timeline.js";
import { tokenMatches } from "../../src/http/token-match.js";

const NOW = new Date("2026-11-21T12:00:00Z");
const DAY = 86_400_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

function incident(over: Partial<Incident> & { id: string }): Incident {
  const number = Number(over.id.slice(4));
  return {
    number,
    title: `Incident ${number}`,
    kind: "incident",
    severity: "sev3",
    state: "triggered",
    platform: "slack",
    origin: { conversationId: "C0GEN" },
    reporters: [{ platformUserId: "U0BOB" }],
    createdAt: ago(DAY),
    updatedAt: ago(DAY),
    ...over,
  };
}

const resolvedAgo = (id: string, ms: number, over: Partial<Incident> = {}) =>
  incident({ id, state: "resolved", resolution: { at: ago(ms), actor: "U0DANA" }, ...over });

const frame = (over: Partial<PageFrame> = {}): PageFrame => ({
  zone: "Europe/Berlin",
  now: NOW,
  serviceName: (id) => (id === "search" ? "Search API" : id),
  personName: (id) => (id === "U0DANA" ? "Dana" : undefined),
  ...over,
});

describe("which incidents the status page shows", () => {
  it("orders the ongoing ones most severe first, then newest first, leaving out what is not public", () => {
    const shown = ongoing([
      incident({ id: "INC-1", severity: "sev3", createdAt: ago(3 * DAY) }),
      incident({ id: "INC-2", severity: "sev1", createdAt: ago(2 * DAY) }),
      incident({ id: "INC-3", severity: "sev3", createdAt: ago(DAY) }),
      incident({ id: "INC-4", severity: "sev1", private: true }),
      incident({ id: "INC-5", severity: "sev1", kind: "change_request" }),
      incident({ id: "INC-6", severity: "sev1", state: "closed", duplicateOf: "INC-2" }),
      incident({ id: "INC-7", severity: "sev1", duplicateOf: "INC-2" }),
      resolvedAgo("INC-8", DAY),
      incident({ id: "INC-9", severity: "sev2", state: "reopened" }),
    ]);
    expect(shown.map((i) => i.id)).toEqual(["INC-2", "INC-9", "INC-3", "INC-1"]);
  });

  it.each([
    { name: "resolved an hour ago", resolved: 3_600_000, shown: true },
    { name: "resolved 29 days 23 hours ago", resolved: 30 * DAY - 3_600_000, shown: true },
    { name: "resolved exactly 30 days ago", resolved: 30 * DAY, shown: true },
    { name: "resolved 30 days and a minute ago", resolved: 30 * DAY + 60_000, shown: false },
  ])("keeps the last 30 days of resolved incidents: $name", ({ resolved, shown }) => {
    expect(recentlyResolved([resolvedAgo("INC-1", resolved)], NOW).length).toBe(shown ? 1 : 0);
  });

  it("lists the resolved ones most recently resolved first, closed ones included, private ones never", () => {
    const closed = incident({
      id: "INC-3",
      state: "closed",
      closeReason: "timeout",
      milestones: { resolved: ago(5 * DAY), closed: ago(2 * DAY) },
    });
    const shown = recentlyResolved(
      [
        resolvedAgo("INC-1", 10 * DAY),
        resolvedAgo("INC-2", DAY),
        closed,
        resolvedAgo("INC-4", DAY, { private: true }),
        resolvedAgo("INC-5", DAY, { kind: "guidance_request" }),
        incident({ id: "INC-6", state: "closed", duplicateOf: "INC-2", milestones: { closed: ago(DAY) } }),
        incident({ id: "INC-7", state: "mitigated" }),
      ],
      NOW,
    );
    expect(shown.map((i) => i.id)).toEqual(["INC-2", "INC-3", "INC-1"]);
  });
});

describe("the incidents /status re-reads before showing them", () => {
  it("are the real incidents ongoing or resolved within 30 days, whatever their privacy or merging said", () => {
    const picked = candidates(
      [
        incident({ id: "INC-1" }),
        incident({ id: "INC-2", private: true }), // may have been made public since
        incident({ id: "INC-3", duplicateOf: "INC-1" }), // may have been split off again
        incident({ id: "INC-4", kind: "change_request" }),
        resolvedAgo("INC-5", DAY, { private: true }),
        resolvedAgo("INC-6", 31 * DAY),
        incident({ id: "INC-7", state: "reopened" }),
      ],
      NOW,
    );
    expect(picked.map((i) => i.id)).toEqual(["INC-1", "INC-2", "INC-3", "INC-5", "INC-7"]);
  });
});

describe("an incident's public history", () => {
  const at = (min: number) => new Date(NOW.getTime() + min * 60_000);
  const events: TimelineEvent[] = [
    timelineEvent("incident_opened", at(0), { title: "x" }, "U0BOB"),
    timelineEvent("commander_paged", at(0), { commander: "U0DANA" }),
    timelineEvent("acknowledged", at(1), {}, "U0DANA"),
    timelineEvent("note_added", at(2), { text: "internal: the db password is in the vault" }, "U0DANA"),
    timelineEvent("status_update_posted", at(3), { text: "Rolling back" }, "U0DANA"),
    timelineEvent("severity_changed", at(4), { from: "SEV3", to: "SEV1" }, "U0DANA"),
    timelineEvent("status_changed", at(5), { from: "acknowledged", to: "mitigated" }, "U0DANA"),
    timelineEvent("status_changed", at(5), { from: "mitigated", to: "mitigated" }, "U0DANA"),
    timelineEvent("visibility_changed", at(6), { from: "private", to: "public" }, "U0DANA"),
    timelineEvent("status_changed", at(7), { from: "mitigated", to: "resolved", summary: "x" }, "U0DANA"),
  ];

  it("keeps the updates and the changes the public cares about, oldest first, without repeats", () => {
    expect(publicEntries([...events].reverse())).toEqual([
      { at: at(0).toISOString(), kind: "change", words: "Incident reported." },
      { at: at(1).toISOString(), kind: "change", words: "Acknowledged: someone is on it." },
      { at: at(3).toISOString(), kind: "update", text: "Rolling back" },
      { at: at(4).toISOString(), kind: "change", words: "Severity changed from SEV3 to SEV1." },
      { at: at(5).toISOString(), kind: "change", words: "Status: Mitigated." },
      { at: at(7).toISOString(), kind: "change", words: "Status: Resolved." },
    ]);
  });
});

describe("the HTML", () => {
  it("escapes every character that could open markup or leave an attribute", () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&amp;</a>`)).toBe(
      "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
    );
  });

  it("shows mentions in updates as names, never platform ids, and escapes the rest", () => {
    expect(updateHtml("<@U0DANA> and <@U0ZED|zed> fix <b>it</b> & more", frame())).toBe(
      "@Dana and @someone fix &lt;b&gt;it&lt;/b&gt; &amp; more",
    );
  });

  it.each([
    { ms: -20_000, text: "just now" },
    { ms: -12 * 60_000, text: "12 min ago" },
    { ms: 29 * 60_000 + 59_000, text: "in 29 min" },
    { ms: -3 * 3_600_000, text: "3 h ago" },
    { ms: -DAY - 1000, text: "1 day ago" },
    { ms: 5 * DAY, text: "in 5 days" },
  ])("says how far an instant is: $text", ({ ms, text }) => {
    expect(relative(new Date(NOW.getTime() + ms).toISOString(), NOW)).toBe(text);
  });

  it("shows times in the config's zone with the zone named, summer time included", () => {
    const summer = incident({ id: "INC-1", createdAt: "2026-07-01T10:00:00Z", state: "closed" });
    const winter = incident({ id: "INC-2", createdAt: "2026-11-21T10:00:00Z" });
    const html = incidentPage(summer, [], frame());
    expect(html).toContain('<time datetime="2026-07-01T10:00:00Z">Wed 1 Jul 12:00 CEST</time>');
    const page = statusPage({ ongoing: [winter], resolved: [] }, frame());
    expect(page).toContain('<time datetime="2026-11-21T10:00:00Z">Sat 21 Nov 11:00 CET</time>');
    expect(page).toContain("(2 h ago)");
  });

  it("names the service, refreshes itself and says when nothing is going on", () => {
    const busy = statusPage(
      { ongoing: [incident({ id: "INC-1", service: "search" })], resolved: [], charts: "<svg></svg>" },
      frame(),
    );
    expect(busy).toContain("<dd>Search API</dd>");
    expect(busy).toContain('<meta http-equiv="refresh" content="60">');
    expect(busy).toContain("<svg></svg>");
    expect(statusPage({ ongoing: [], resolved: [] }, frame())).toContain("no ongoing incidents");
  });
});

describe("the status page token", () => {
  it("matches only the exact token", () => {
    expect(tokenMatches("s3cret", "s3cret")).toBe(true);
    expect(tokenMatches("s3cret", "s3cre")).toBe(false);
    expect(tokenMatches("s3cret", "s3cret ")).toBe(false);
    expect(tokenMatches("s3cret", "")).toBe(false);
    expect(tokenMatches("s3cret", undefined)).toBe(false);
  });

  it("reads its cookie among others", () => {
    expect(cookieValue("a=1; firebreak_status=t%20k; b=2", "firebreak_status")).toBe("t k");
    expect(cookieValue("xfirebreak_status=1", "firebreak_status")).toBeUndefined();
    expect(cookieValue(undefined, "firebreak_status")).toBeUndefined();
    expect(cookieValue("firebreak_status=%E0%A4%A", "firebreak_status")).toBeUndefined();
  });
});
