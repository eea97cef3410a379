/**
 * `GET /incidents/INC-n/postmortem.md`: the post-mortem draft as Markdown (core/incident/postmortem-draft.ts),
 * regenerated on every request so it lists the follow-ups added since it was opened.
 *
 * Answers:
 * - 401 when the status pages have a token (`STATUS_PAGE_TOKEN`) and the request carries neither it
 *   (`?token=`) nor the cookie the status pages set; checked before anything is looked up;
 * - 404 for an unknown incident, a private one (kept off the web pages altogether) or one without a
 *   post-mortem, all with the same answer, so the page tells nothing about what exists;
 * - 200 `text/markdown` otherwise.
 *
 * The template is read once, at start-up, from the templates directory (`postmortem.md.hbs`), so a broken
 * template stops the bot there rather than at the first request; an operator's templates directory without
 * the file falls back to Firebreak's own.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Router } from "express";
import type { HandlerContext } from "../../handlers/context.js";
import type { Incident } from "../core/incident/incident.js";
import { parseIncidentId } from "../core/incident/incident.js";
import {
  compilePostmortemTemplate,
  type DraftTemplate,
  peopleInDraft,
  postmortemDraftVars,
} from "../core/incident/postmortem-draft.js";
import { personByPlatformId } from "../core/oncall/people.js";
import { DEFAULT_TEMPLATES_DIR } from "../core/templates/load.js";
import { statusTokenGate } from "./status-access.js";

const TEMPLATE_FILE = "postmortem.md.hbs";

/** The draft's template: the operator's copy when their templates directory has one, else Firebreak's. */
export function loadPostmortemTemplate(templatesDir?: string): DraftTemplate {
  const own = templatesDir ? join(templatesDir, TEMPLATE_FILE) : undefined;
  const path = own && existsSync(own) ? own : join(DEFAULT_TEMPLATES_DIR, TEMPLATE_FILE);
  return compilePostmortemTemplate(readFileSync(path, "utf8"), path);
}

export function createPostmortemRouter(
  ctx: HandlerContext,
  options: { token?: string; templatesDir?: string },
): Router {
  const template = loadPostmortemTemplate(options.templatesDir);
  const router = Router();
  const gate = statusTokenGate(options.token, {
    secureCookie: ctx.publicUrl.startsWith("https:"),
    denied: (res) =>
      res
        .type("text/plain")
        .send("This page needs the status page's token: use the link Firebreak handed out in chat."),
  });
  router.get("/incidents/:id/postmortem.md", gate, async (req, res) => {
    res.set({ "Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer" });
    const n = parseIncidentId(String(req.params.id));
    try {
      const incident = n === null ? null : await ctx.store.get(`INC-${n}`);
      if (!incident || incident.private || !incident.postmortem) {
        res.status(404).type("text/plain").send("No post-mortem here.");
        return;
      }
      const timeline = await ctx.store.timeline(incident.id);
      const names = await namesOf(ctx, incident, peopleInDraft(incident, timeline));
      const vars = postmortemDraftVars(ctx.settings, incident, timeline, names, ctx.clock.now());
      res
        .status(200)
        .set("Content-Disposition", `inline; filename="${incident.id}-postmortem.md"`)
        .type("text/markdown; charset=utf-8")
        .send(template(vars));
    } catch (err) {
      ctx.logger.error({ incident: req.params.id, err: String(err) }, "post-mortem draft failed");
      res
        .status(503)
        .type("text/plain")
        .send("The post-mortem draft is unavailable right now; try again shortly.");
    }
  });
  return router;
}

/**
 * Display names for the people the draft mentions: the config's name for a configured person (no platform
 * call), else the platform's display name, else the id itself. A lookup that fails leaves the id: the draft
 * is still worth serving.
 */
async function namesOf(ctx: HandlerContext, incident: Incident, ids: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  await Promise.all(
    ids.map(async (id) => {
      const person = personByPlatformId(ctx.settings, incident.platform, id);
      if (person) {
        names.set(id, person.name ?? person.id);
        return;
      }
      try {
        const user = await ctx.platform(incident.platform).userInfo(id);
        if (user?.name) names.set(id, user.name);
      } catch {
        // The id stands in for the name.
      }
    }),
  );
  return names;
}
