import { firedReminder } from "../src/core/incident/postmortem.js";
import { channelPost, directItem, incidentKey, zoneOf } from "./outbox-items.js";
import { postmortemVars } from "./postmortem-vars.js";
import type { TimerEffects } from "./timer-effect.js";

/**
 * A reminder fired (the firing recorded no event, see core/incident/postmortem.ts): the owner gets a DM, and on
 * the due date the channel is told it is overdue. Keys carry the timer generation that fired (`firedGen`), so a
 * re-run after a crash sends nothing twice.
 */
export const postmortemTimerEffects: TimerEffects = async (ctx, incident) => {
  const fired = firedReminder(ctx.settings, incident);
  const pm = incident.postmortem;
  const gen = incident.timers?.postmortem?.firedGen;
  if (!fired || !pm || gen === undefined) return;
  const base = `postmortem-g${gen}`;
  await ctx.outbox.send(
    directItem(
      incident,
      incidentKey(incident, `${base}-dm`),
      pm.owner,
      ctx.render("postmortem-reminder-dm", {
        ...postmortemVars(ctx, incident, zoneOf(ctx, { platform: incident.platform, actor: pm.owner })),
        overdue: fired.overdue,
        channel: incident.channel?.id,
      }),
    ),
    ...(fired.dueNow
      ? channelPost(
          incident,
          incidentKey(incident, `${base}-overdue`),
          ctx.render("postmortem-overdue", postmortemVars(ctx, incident, ctx.settings.timezone)),
        )
      : []),
  );
};
