import { describe, expect, it } from "vitest";
import type { Incident } from "../../src/core/incident/incident.js";
import { formatSeconds, renderCharts, renderServiceTable } from "../../src/http/charts.js";
import { incidentFamilies } from "../../src/http/metrics.js";
import { formatFamilies, histogramSamples } from "../../src/http/prometheus-text.js";

const NOW = new Date("2026-11-20T12:00:00Z");
const HOSTILE_TITLE = `</title><script>alert(1)</script><text>"&'`;

function incident(n: number, openedAt: string, over: Partial<Incident> = {}): Incident {
  const t = (min: number) => new Date(Date.parse(openedAt) + min * 60_000).toISOString();
  return {
    id: `INC-${n}`,
    number: n,
    title: HOSTILE_TITLE,
    kind: "incident",
    severity: "sev1",
    service: "search",
    state: "closed",
    closeReason: "confirmed",
    platform: "slack",
    origin: { conversationId: "C1" },
    reporters: [],
    createdAt: openedAt,
    updatedAt: openedAt,
    milestones: {
      triggered: openedAt,
      acknowledged: t(3),
      mitigated: t(25),
      resolved: t(90),
      closed: t(600),
    },
    ...over,
  };
}

/** Every tag opened is closed in order (or self-closed): a regex-level well-formedness check. */
function balanced(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, self] = m;
    if (self) continue;
    if (closing) {
      if (stack.pop() !== name) return false;
    } else stack.push(name as string);
  }
  return stack.length === 0;
}

describe("renderCharts", () => {
  it("is one well-formed <svg>, sized for a phone, without scripts", () => {
    const svg = renderCharts(
      [incident(1, "2026-11-16T10:00:00Z"), incident(2, "2026-11-02T10:00:00Z", { severity: "sev3" })],
      NOW,
    );
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg.endsWith("</svg>")).toBe(true);
    expect(balanced(svg)).toBe(true);
    expect(svg).toMatch(/viewBox="0 0 360 \d+"/);
    expect(svg).toContain('width="100%"');
    expect(svg).not.toMatch(/<script|on\w+=|javascript:/i);
  });

  it("has a panel per measure with axis labels and a <title> per bar naming week, median and count", () => {
    const svg = renderCharts([incident(1, "2026-11-16T10:00:00Z"), incident(2, "2026-11-17T10:00:00Z")], NOW);
    for (const heading of ["Time to acknowledge", "Time to mitigate", "Time to resolve", "confirmation"]) {
      expect(svg).toContain(heading);
    }
    expect(svg).toContain(
      "<title>Week 2026-W47: median time to acknowledge 3 min (2 of 2 incidents)</title>",
    );
    expect(svg).toContain("<title>SEV1: median time to resolve 1.5 h (2 of 2 incidents)</title>");
    expect(svg).toContain("ISO week (opened)");
    expect(svg).toContain("median, min");
    // Weeks outside the last twelve are not drawn.
    expect(renderCharts([incident(1, "2026-01-05T10:00:00Z")], NOW)).not.toContain("Week 2026-W02");
  });

  it("leaves out private incidents and requests, and says when there is no data yet", () => {
    const empty = renderCharts(
      [
        incident(1, "2026-11-16T10:00:00Z", { private: true }),
        incident(2, "2026-11-16T10:00:00Z", { kind: "change_request" }),
      ],
      NOW,
    );
    expect(empty).toContain("No data yet");
    expect(balanced(empty)).toBe(true);
    expect(renderCharts([], NOW)).toContain("No data yet");
  });

  it("leaves out duplicates merged into another incident: the survivor counts the outage once", () => {
    const svg = renderCharts(
      [
        incident(1, "2026-11-16T10:00:00Z"),
        incident(2, "2026-11-16T10:05:00Z", { duplicateOf: "INC-1", severity: "sev2" }),
      ],
      NOW,
    );
    expect(svg).toContain(
      "<title>Week 2026-W47: median time to acknowledge 3 min (1 of 1 incidents)</title>",
    );
    expect(svg).not.toMatch(/SEV2: median/);
  });

  it("takes its text and line colours from the page, so it reads in dark mode too", () => {
    const svg = renderCharts([incident(1, "2026-11-16T10:00:00Z")], NOW);
    const style = /<style>(.*?)<\/style>/.exec(svg)?.[1] ?? "";
    expect(style).toContain("fill:var(--fg,currentColor)");
    expect(style).toContain("fill:var(--muted,currentColor)");
    expect(style).toContain("stroke:var(--line,currentColor)");
    // No fixed greys, which vanish on a dark background (or glare on a light one).
    expect(svg).not.toMatch(/#(111|333|444|777|ddd)\b/i);
  });

  it("never prints incident text (titles are not charted), so nothing typed reaches the markup", () => {
    const svg = renderCharts([incident(1, "2026-11-16T10:00:00Z")], NOW);
    expect(svg).not.toContain("alert(1)");
  });

  it.each([
    [30, "30 s"],
    [240, "4 min"],
    [5400, "1.5 h"],
    [3 * 86_400, "3 d"],
  ])("%d seconds read %s", (s, text) => {
    expect(formatSeconds(s)).toBe(text);
  });
});

describe("the per-service table", () => {
  const name = (id: string) => (id === "search" ? `Search <API> & "co"` : id);

  it("gives each service's count and median of each measure, names escaped, private and merged left out", () => {
    const html = renderServiceTable(
      [
        incident(1, "2026-11-16T10:00:00Z"),
        incident(2, "2026-11-17T10:00:00Z", {
          milestones: { triggered: "2026-11-17T10:00:00Z", acknowledged: "2026-11-17T10:07:00Z" },
          state: "acknowledged",
          closeReason: undefined,
        }),
        incident(3, "2026-11-17T10:00:00Z", { service: "billing", private: true }),
        incident(4, "2026-11-17T10:00:00Z", { service: "billing", duplicateOf: "INC-1" }),
        incident(5, "2026-11-18T10:00:00Z", { service: undefined }),
      ],
      name,
    );
    expect(html).toContain("<caption>Median times by service (all time)</caption>");
    expect(html).toContain(
      '<tr><th scope="row">Search &lt;API&gt; &amp; &quot;co&quot;</th><td>2</td><td>5 min</td><td>25 min</td><td>1.5 h</td><td>10 h</td></tr>',
    );
    expect(html).toContain('<tr><th scope="row">No service</th><td>1</td>');
    expect(html).not.toContain("billing");
    expect(html).not.toContain("alert(1)");
  });

  it("is empty while nothing is charted", () => {
    expect(renderServiceTable([incident(1, "2026-11-16T10:00:00Z", { private: true })], name)).toBe("");
  });
});

describe("the incident metrics", () => {
  it("leave private incidents out entirely, counts included", () => {
    const families = incidentFamilies([
      incident(1, "2026-11-16T10:00:00Z", { state: "acknowledged", severity: "sev2" }),
      incident(2, "2026-11-16T10:00:00Z", { state: "acknowledged", severity: "sev2", private: true }),
      incident(3, "2026-11-16T10:00:00Z", { severity: "sev1", service: "payroll", private: true }),
    ]);
    const open = families.find((f) => f.name === "firebreak_incidents_open");
    expect(open?.samples.find((s) => s.labels?.severity === "sev2")?.value).toBe(1);
    const total = families.find((f) => f.name === "firebreak_incidents_total");
    expect(total?.samples).toEqual([{ labels: { severity: "sev2", service: "search" }, value: 1 }]);
    expect(formatFamilies(families)).not.toContain("payroll");
  });
});

describe("Prometheus text", () => {
  it("escapes label values and HELP, and writes cumulative buckets with +Inf, _sum and _count", () => {
    const text = formatFamilies([
      {
        name: "x_seconds",
        help: "a\\b\nc",
        type: "histogram",
        samples: histogramSamples([60, 300], [30, 60, 200, 1000], { service: 'a"b\\c\nd' }),
      },
    ]);
    expect(text).toBe(
      [
        "# HELP x_seconds a\\\\b\\nc",
        "# TYPE x_seconds histogram",
        'x_seconds_bucket{service="a\\"b\\\\c\\nd",le="60"} 2',
        'x_seconds_bucket{service="a\\"b\\\\c\\nd",le="300"} 3',
        'x_seconds_bucket{service="a\\"b\\\\c\\nd",le="+Inf"} 4',
        'x_seconds_sum{service="a\\"b\\\\c\\nd"} 1290',
        'x_seconds_count{service="a\\"b\\\\c\\nd"} 4',
        "",
      ].join("\n"),
    );
  });

  it("refuses a bad metric or label name rather than writing a broken exposition", () => {
    expect(() => formatFamilies([{ name: "bad-name", help: "", type: "gauge", samples: [] }])).toThrow();
    expect(() =>
      formatFamilies([
        { name: "ok", help: "", type: "gauge", samples: [{ labels: { "bad-label": "x" }, value: 1 }] },
      ]),
    ).toThrow();
  });
});
