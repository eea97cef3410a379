/**
 * `GET /incidents/INC-n/postmortem.md?token=…`: the post-mortem draft as Markdown (core/incident/
 * postmortem-draft.ts), regenerated on every request so it lists the follow-ups added since it was opened.
 *
 * The draft holds the incident's internal history, so it is not behind the status pages' shared token: only
 * the link Firebreak hands out in chat opens it, with a token for that one incident (core/incident/
 * postmortem-link.ts). The link is the credential, so a private incident's draft is served too. Answers:
 * - 404 for a path that is no incident id at all (it names nothing to protect);
 * - 401 without the token or with a wrong one (another incident's included), checked before anything is
 *   looked up: the token names the incident, so someone without it learns nothing, not even what exists;
 * - 404 for an incident that does not exist or has no post-mortem (yet);
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
import { incidentId, parseIncidentId } from "../core/incident/incident.js";
import {
  compilePostmortemTemplate,
  type DraftTemplate,
  peopleInDraft,
  postmortemDraftVars,
} from "../core/incident/postmortem-draft.js";
import { postmortemTokenMatches } from "../core/incident/postmortem-link.js";
import { personByPlatformId } from "../core/oncall/people.js";
import { DEFAULT_TEMPLATES_DIR } from "../core/templates/load.js";

const TEMPLATE_FILE = "postmortem.md.hbs";

/** The draft's template: the operator's copy when their templates directory has one, else Firebreak's. */
export function loadPostmortemTemplate(templatesDir?: string): DraftTemplate {
  const own = templatesDir ? join(templatesDir, TEMPLATE_FILE) : undefined;
  const path = own && existsSync(own) ? own : join(DEFAULT_TEMPLATES_DIR, TEMPLATE_FILE);
  return compilePostmortemTemplate(readFileSync(path, "utf8"), path);
}

/**
 * `options.token` (STATUS_PAGE_TOKEN) is accepted and ignored: the drafts never open with the status pages'
 * token, only with their own.
 */
export function createPostmortemRouter(ctx: HandlerContext, options: { templatesDir?: string }): Router {
  const template = loadPostmortemTemplate(options.templatesDir);
  const router = Router();
  router.get("/incidents/:id/postmortem.md", async (req, res) => {
    res.set({ "Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer" });
    const n = parseIncidentId(String(req.params.id));
    if (n === null) {
      res.status(404).type("text/plain").send("No post-mortem here.");
      return;
    }
    const id = incidentId(n);
    const token = typeof req.query.token === "string" ? req.query.token : undefined;
    try {
      if (!postmortemTokenMatches(await ctx.oncall.calendarSecret(), id, token)) {
        res
          .status(401)
          .type("text/plain")
          .send(
            "This draft opens only with its own link: use the one Firebreak posted in the incident's channel.",
          );
        return;
      }
      const incident = await ctx.store.get(id);
      if (!incident?.postmortem) {
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
