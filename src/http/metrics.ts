/**
 * GET /metrics: Prometheus text format 0.0.4 (prometheus-text.ts).
 *
 * - From the incidents (kind `incident`; change and guidance requests have no page to answer), private ones
 *   left out entirely, as on the status page: a private incident is not revealed even as a count. How many are
 *   open per severity, how many were ever opened per severity and service, and histograms of the time to
 *   acknowledge, mitigate, resolve and to the reporters' confirmation (incident-times.ts says which milestone
 *   each measure ends at). Reading every incident is the expensive part, so the incidents come from the cache
 *   the status page shares (incident-cache.ts: read at most once per 15 s however often Prometheus scrapes).
 * - From the queues, on every scrape (a few cheap Redis calls): jobs per queue and state, how late the most
 *   overdue timer is, and the age of the oldest chat message still undelivered.
 *
 * Open like /healthz: the numbers name no incident and no person. Restrict it at the proxy if services' names
 * are themselves confidential.
 */
import { Router } from "express";
import type { HandlerContext } from "../../handlers/context.js";
import { type Incident, SEVERITIES } from "../core/incident/incident.js";
import { type IncidentTimes, MEASURES, milestoneTimes, NO_SERVICE } from "../core/metrics/incident-times.js";
import type { OpsStats } from "../core/ports.js";
import { allIncidents } from "./incident-cache.js";
import { type Family, formatFamilies, histogramSamples, PROMETHEUS_CONTENT_TYPE } from "./prometheus-text.js";

/** Upper bounds (seconds): 1 and 5 minutes … 1 week, where the answers to "how long did it take" fall. */
export const DURATION_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400, 259_200, 604_800];

const MEASURE_HELP: Record<(typeof MEASURES)[number], string> = {
  acknowledge: "Seconds from opening to the first acknowledgement, per incident.",
  mitigate:
    "Seconds from opening to the harm stopping (mitigated, fix deployed or resolved, the first), per incident.",
  resolve: "Seconds from opening to the first resolution, per incident.",
  confirm: "Seconds from opening to the reporters' confirmation that it is fixed, per incident.",
};

/** Still being worked: not yet resolved (a resolved incident only waits for the reporters' word). */
const isOpen = (incident: Incident) => incident.state !== "resolved" && incident.state !== "closed";

export function incidentFamilies(incidents: readonly Incident[]): Family[] {
  const real = incidents.filter((i) => i.kind === "incident" && i.private !== true);
  const open: Family = {
    name: "firebreak_incidents_open",
    help: "Incidents not yet resolved, by severity (private incidents are never counted).",
    type: "gauge",
    samples: SEVERITIES.map((severity) => ({
      labels: { severity },
      value: real.filter((i) => i.severity === severity && isOpen(i)).length,
    })),
  };
  const groups = new Map<string, { severity: string; service: string; times: IncidentTimes["seconds"][] }>();
  for (const incident of real) {
    const service = incident.service ?? NO_SERVICE;
    const key = `${incident.severity}\u0000${service}`;
    const group = groups.get(key) ?? { severity: incident.severity, service, times: [] };
    group.times.push(milestoneTimes(incident).seconds);
    groups.set(key, group);
  }
  const series = [...groups.values()].sort(
    (a, b) => a.severity.localeCompare(b.severity) || a.service.localeCompare(b.service),
  );
  const total: Family = {
    name: "firebreak_incidents_total",
    // A gauge despite the name the issue asks for: an incident counts under its current severity, so a
    // severity change moves it between series and a series can go down.
    help: "Incidents ever opened, by current severity and service (private incidents are never counted).",
    type: "gauge",
    samples: series.map((g) => ({
      labels: { severity: g.severity, service: g.service },
      value: g.times.length,
    })),
  };
  const histograms = MEASURES.map(
    (measure): Family => ({
      name: `firebreak_time_to_${measure}_seconds`,
      help: MEASURE_HELP[measure],
      type: "histogram",
      samples: series.flatMap((g) =>
        histogramSamples(
          DURATION_BUCKETS,
          g.times.map((t) => t[measure]).filter((v): v is number => v !== null),
          { severity: g.severity, service: g.service },
        ),
      ),
    }),
  );
  return [open, total, ...histograms];
}

export async function opsFamilies(stats: OpsStats): Promise<Family[]> {
  const [depth, timerLag, outboxLag] = await Promise.all([
    stats.queueDepth(),
    stats.timerLagMs(),
    stats.outboxLagMs(),
  ]);
  return [
    {
      name: "firebreak_queue_jobs",
      help: "Jobs per queue and state.",
      type: "gauge",
      samples: depth.map((d) => ({ labels: { queue: d.queue, state: d.state }, value: d.count })),
    },
    {
      name: "firebreak_timer_lag_seconds",
      help: "How late the most overdue reminder or escalation timer is (0 when none is overdue).",
      type: "gauge",
      samples: [{ value: timerLag / 1000 }],
    },
    {
      name: "firebreak_outbox_lag_seconds",
      help: "Age of the oldest chat message still waiting for delivery (0 when none waits).",
      type: "gauge",
      samples: [{ value: outboxLag / 1000 }],
    },
  ];
}

export function createMetricsRouter(ctx: HandlerContext, stats: OpsStats): Router {
  const incidentText = async () => formatFamilies(incidentFamilies(await allIncidents(ctx.store)));
  const router = Router();
  router.get("/metrics", async (_req, res) => {
    res.set("Cache-Control", "no-store");
    try {
      const [incidents, ops] = await Promise.all([incidentText(), opsFamilies(stats)]);
      res
        .status(200)
        .type(PROMETHEUS_CONTENT_TYPE)
        .send(incidents + formatFamilies(ops));
    } catch (err) {
      ctx.logger.error({ err: String(err) }, "metrics failed");
      res.status(503).type("text/plain").send("Metrics are unavailable right now (is Redis reachable?).\n");
    }
  });
  return router;
}
