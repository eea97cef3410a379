/**
 * The incident log: `GET /api/incidents` (JSON array, newest first) and `GET /api/incidents.csv` (the same rows
 * as CSV, safe to open in a spreadsheet), every incident ever opened with its milestones, durations and
 * commanders (incident-times.ts), private ones included and marked, since the API is authenticated.
 *
 * - Off (404) when API_TOKEN is unset: an API nobody configured must not be an open door.
 * - 401 without the token (`Authorization: Bearer <token>` or `?token=`), compared in constant time.
 * - 400 with a reason for a filter that is unknown or names nothing (incident-log.ts in core lists them).
 * Every answer is `no-store`: it names people and private incidents.
 */
import { type Request, type Response, Router } from "express";
import type { HandlerContext } from "../../handlers/context.js";
import type { Incident } from "../core/incident/incident.js";
import { incidentLogCsv, matchesFilter, parseLogFilter } from "../core/metrics/incident-log.js";
import { type IncidentTimes, incidentTimes, newestFirst } from "../core/metrics/incident-times.js";
import { personByPlatformId } from "../core/oncall/people.js";
import { tokenMatches } from "./token-match.js";

/** Timelines (for the earlier commanders) are read this many at a time. */
const TIMELINE_BATCH = 50;

function bearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
}

function givenToken(req: Request): string | undefined {
  const query = req.query.token;
  return typeof query === "string" ? query : bearer(req.get("authorization"));
}

/** The rows a request asks for, or the reason it is refused. */
async function selectRows(
  ctx: HandlerContext,
  req: Request,
): Promise<{ rows: IncidentTimes[] } | { reason: string }> {
  const all: Incident[] = await ctx.store.all();
  const services = new Set(ctx.settings.services.map((s) => s.id));
  for (const incident of all) if (incident.service) services.add(incident.service);
  const parsed = parseLogFilter(req.query as Record<string, unknown>, ctx.settings.timezone, [...services]);
  if (!parsed.ok) return { reason: parsed.reason };

  // Filter on what the incident alone says, then read timelines only for the incidents kept.
  const kept = all
    .map((i) => ({ incident: i, row: incidentTimes(i) }))
    .filter((x) => matchesFilter(x.row, parsed.filter));
  const rows: IncidentTimes[] = [];
  for (let i = 0; i < kept.length; i += TIMELINE_BATCH) {
    const batch = kept.slice(i, i + TIMELINE_BATCH);
    const timelines = await Promise.all(batch.map((x) => ctx.store.timeline(x.incident.id)));
    batch.forEach(({ incident }, j) => {
      const personOf = (user: string) => personByPlatformId(ctx.settings, incident.platform, user)?.id;
      rows.push(incidentTimes(incident, timelines[j] ?? [], personOf));
    });
  }
  return { rows: rows.sort(newestFirst) };
}

export function createIncidentLogRouter(ctx: HandlerContext, options: { token?: string }): Router {
  const router = Router();
  const token = options.token;

  const serve = (format: "json" | "csv") => async (req: Request, res: Response) => {
    res.set({ "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex" });
    if (!token) {
      res.status(404).type("text/plain").send("The incident log API is off: set API_TOKEN to turn it on.\n");
      return;
    }
    if (!tokenMatches(token, givenToken(req))) {
      res
        .status(401)
        .set("WWW-Authenticate", 'Bearer realm="firebreak-api"')
        .type("text/plain")
        .send("This API needs its token: Authorization: Bearer <API_TOKEN>, or ?token=<API_TOKEN>.\n");
      return;
    }
    try {
      const selected = await selectRows(ctx, req);
      if ("reason" in selected) {
        res.status(400).json({ error: selected.reason });
        return;
      }
      if (format === "json") {
        res.status(200).json(selected.rows);
      } else {
        res
          .status(200)
          .set("Content-Disposition", 'attachment; filename="incidents.csv"')
          .type("text/csv; charset=utf-8; header=present")
          .send(incidentLogCsv(selected.rows));
      }
    } catch (err) {
      ctx.logger.error({ err: String(err) }, "incident log failed");
      res
        .status(503)
        .type("text/plain")
        .send("The incident log is unavailable right now; try again shortly.\n");
    }
  };

  router.get("/api/incidents", serve("json"));
  router.get("/api/incidents.csv", serve("csv"));
  return router;
}
