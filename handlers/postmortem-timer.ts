import { firedReminder } from "../src/core/incident/postmortem.js";
import { channelPost, directItem, incidentKey, zoneOf } from "./outbox-items.js";
import { draftUrl, postmortemVars } from "./postmortem-vars.js";
import type { TimerEffects } from "./timer-effect.js";

/**
 * A reminder fired (the firing recorded no event, see core/incident/postmortem.ts): the owner gets a DM, and
 * once it is overdue the channel is told. The DM's key carries the timer generation that fired (`firedGen`), so
 * a re-run after a crash sends nothing twice. The channel's key is the incident's alone: the first overdue
 * firing posts it, whether it came on the due date or late after an outage, and the later ones are dropped by
 * the outbox as repeats (it remembers keys for 90 days: a post-mortem still overdue by then is told again).
 */
export const postmortemTimerEffects: TimerEffects = async (ctx, incident) => {
  const fired = firedReminder(ctx.settings, incident);
  const pm = incident.postmortem;
  const gen = incident.timers?.postmortem?.firedGen;
  if (!fired || !pm || gen === undefined) return;
  const url = await draftUrl(ctx, incident);
  await ctx.outbox.send(
    directItem(
      incident,
      incidentKey(incident, `postmortem-g${gen}-dm`),
      pm.owner,
      ctx.render("postmortem-reminder-dm", {
        ...postmortemVars(ctx, incident, zoneOf(ctx, { platform: incident.platform, actor: pm.owner }), url),
        overdue: fired.overdue,
        channel: incident.channel?.id,
      }),
    ),
    ...(fired.overdue
      ? channelPost(
          incident,
          incidentKey(incident, "postmortem-overdue"),
          ctx.render("postmortem-overdue", postmortemVars(ctx, incident, ctx.settings.timezone, url)),
        )
      : []),
  );
};
