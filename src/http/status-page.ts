/**
 * GET /status and /incidents/INC-n: the public status pages (the HTML is status-html.ts, which incidents
 * show is status-select.ts, an incident's public history status-timeline.ts, the token gate status-access.ts).
 *
 * Every answer, refusals included, is `Cache-Control: no-store` (the pages change by the minute and may sit
 * behind a token) and carries a Content-Security-Policy that allows no script at all, inline styles only,
 * and nothing from anywhere else: even if some text slipped past the escaping, a browser would not run it.
 * A private incident, a change or guidance request and an unknown number all get the same 404, so the pages
 * never tell that a private incident exists.
 *
 * /status does not read every incident on every hit: it takes the shared copy (incident-cache.ts, at most 15 s
 * old) to pick the few incidents it may show and to draw the charts, then re-reads those few, so what it says
 * about each incident shown, and whether it shows it at all, is current.
 */
import { type Response, Router } from "express";
import type { HandlerContext } from "../../handlers/context.js";
import { type Incident, incidentId, parseIncidentId } from "../core/incident/incident.js";
import { personByPlatformId } from "../core/oncall/people.js";
import { PLATFORMS } from "../core/platform.js";
import { renderCharts, renderServiceTable } from "./charts.js";
import { allIncidents } from "./incident-cache.js";
import { statusTokenGate } from "./status-access.js";
import { incidentPage, notFoundPage, type PageFrame, statusPage, tokenNeededPage } from "./status-html.js";
import { candidates, isPublic, ongoing, recentlyResolved } from "./status-select.js";
import { publicEntries } from "./status-timeline.js";

export const STATUS_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

function sendPage(res: Response, status: number, html: string): void {
  res
    .status(status)
    .set({
      "Cache-Control": "no-store",
      "Content-Security-Policy": STATUS_CSP,
      "X-Content-Type-Options": "nosniff",
      // The token may be in the address; no link followed from the page should carry it elsewhere.
      "Referrer-Policy": "no-referrer",
      "X-Robots-Tag": "noindex",
    })
    .type("text/html; charset=utf-8")
    .send(html);
}

export function createStatusRouter(ctx: HandlerContext, options: { token?: string }): Router {
  const router = Router();
  const gate = statusTokenGate(options.token, {
    secureCookie: ctx.publicUrl.startsWith("https://"),
    denied: (res) => sendPage(res, 401, tokenNeededPage()),
  });
  const frame = (): PageFrame => ({
    zone: ctx.settings.timezone,
    now: ctx.clock.now(),
    serviceName: (id) => ctx.settings.services.find((s) => s.id === id)?.name ?? id,
    personName: (userId) => {
      for (const platform of PLATFORMS) {
        const person = personByPlatformId(ctx.settings, platform, userId);
        if (person) return person.name ?? person.id;
      }
      return undefined;
    },
  });
  const unavailable = (res: Response, err: unknown, what: string) => {
    ctx.logger.error({ err: String(err) }, `${what} failed`);
    sendPage(
      res,
      503,
      "<!doctype html><title>Unavailable</title><p>The status page is unavailable right now; try again shortly.</p>",
    );
  };

  router.get("/status", gate, async (_req, res) => {
    try {
      const f = frame();
      const all = await allIncidents(ctx.store);
      const shown = await fresh(ctx, candidates(all, f.now));
      sendPage(
        res,
        200,
        statusPage(
          {
            ongoing: ongoing(shown),
            resolved: recentlyResolved(shown, f.now),
            charts: charts(ctx, all, f),
          },
          f,
        ),
      );
    } catch (err) {
      unavailable(res, err, "status page");
    }
  });

  router.get("/incidents/:id", gate, async (req, res) => {
    const n = parseIncidentId(String(req.params.id ?? ""));
    try {
      const incident: Incident | null = n === null ? null : await ctx.store.get(incidentId(n));
      if (!incident || !isPublic(incident)) {
        sendPage(res, 404, notFoundPage());
        return;
      }
      const entries = publicEntries(await ctx.store.timeline(incident.id));
      sendPage(res, 200, incidentPage(incident, entries, frame()));
    } catch (err) {
      unavailable(res, err, "incident page");
    }
  });
  return router;
}

/** The current copies of `incidents` (a few: those /status may show), read together; gone ones dropped. */
async function fresh(ctx: HandlerContext, incidents: readonly Incident[]): Promise<Incident[]> {
  const current = await Promise.all(incidents.map((i) => ctx.store.get(i.id)));
  return current.filter((i): i is Incident => i !== null);
}

/**
 * The charts and the per-service table (charts.ts) of the public incidents only: a private one is not counted
 * anywhere on the page. They come from the shared copy of every incident, up to 15 s old (incident-cache.ts).
 * A chart that fails to render must not take the page down with it.
 */
function charts(ctx: HandlerContext, all: readonly Incident[], frame: PageFrame): string | undefined {
  try {
    const shown = all.filter(isPublic);
    return renderCharts(shown, frame.now, frame.zone) + renderServiceTable(shown, frame.serviceName);
  } catch (err) {
    ctx.logger.warn({ err: String(err) }, "status page charts failed");
    return undefined;
  }
}
