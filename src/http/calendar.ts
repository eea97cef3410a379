/**
 * Calendar feeds: `GET /oncall/<rotation>.ics?token=<token>` (or the token as `Authorization: Bearer <token>`).
 *
 * The token (calendar-token.ts) is the only credential: calendar apps cannot log in. Answers:
 * - 401 when the token is missing or wrong, whether or not the rotation exists: the token is checked against
 *   the id in the URL before the rotation is looked up, so someone without a token learns nothing, not even
 *   which rotations exist.
 * - 404 when the token is right but no such rotation is configured (it was removed from the config file).
 * - 200 `text/calendar` otherwise (calendar-feed.ts).
 *
 * Every answer is `Cache-Control: no-store`: the URL is a secret and the feed names people, so no proxy or
 * shared cache should keep a copy, and a calendar app that polls should always get the current overrides.
 * The token goes in the query string rather than the path because every calendar app we know of (Google,
 * Apple, Outlook, Thunderbird) keeps it when subscribing; one form is less to explain and to secure.
 */
import { Router } from "express";
import type { HandlerContext } from "../../handlers/context.js";
import { calendarTokenMatches } from "../core/oncall/calendar-token.js";
import { indexOverrides } from "../core/oncall/override-index.js";
import { calendarFeed, feedWindow } from "./calendar-feed.js";

const FEED_PATH = /^(.+)\.ics$/;

export function createCalendarRouter(ctx: HandlerContext): Router {
  const router = Router();
  router.get("/oncall/:file", async (req, res) => {
    const match = FEED_PATH.exec(req.params.file);
    if (!match) {
      res.status(404).set("Cache-Control", "no-store").type("text/plain").send("not found");
      return;
    }
    const rotationId = match[1] as string;
    res.set({ "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex" });
    try {
      const token = typeof req.query.token === "string" ? req.query.token : bearer(req.get("authorization"));
      if (!calendarTokenMatches(await ctx.oncall.calendarSecret(), rotationId, token)) {
        res
          .status(401)
          .set("WWW-Authenticate", 'Bearer realm="firebreak-calendar"')
          .type("text/plain")
          .send(
            "This calendar feed needs its token: ask Firebreak for the address with /incident oncall calendar.",
          );
        return;
      }
      const rotation = ctx.settings.rotations.find((r) => r.id === rotationId);
      if (!rotation) {
        res.status(404).type("text/plain").send(`No rotation "${rotationId}" is configured any more.`);
        return;
      }
      const now = ctx.clock.now();
      const overrides = indexOverrides(await ctx.oncall.overrides(rotation.id, feedWindow(now).from));
      res
        .status(200)
        .set("Content-Disposition", `inline; filename="${rotation.id}.ics"`)
        .type("text/calendar; charset=utf-8")
        .send(calendarFeed(ctx.settings, rotation, overrides, now));
    } catch (err) {
      ctx.logger.error({ rotation: rotationId, err: String(err) }, "calendar feed failed");
      res
        .status(503)
        .type("text/plain")
        .send("The calendar feed is unavailable right now; try again shortly.");
    }
  });
  return router;
}

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return m?.[1];
}
