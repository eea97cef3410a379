import { timedOutWith } from "../src/core/incident/confirmation.js";
import { incidentVars } from "./incident-vars.js";
import { incidentNews, newsKeys } from "./outbox-items.js";
import type { TimerEffects } from "./timer-effect.js";

/**
 * The end of the reporters' confirmation window (core/incident/confirmation.ts): the incident closed without
 * every answer, so the channel is told from whom none came, the card shows it closed and the subscribers hear
 * it. Keys come from the firing's timer generation, so a re-run after a crash sends nothing twice.
 */
export const confirmationTimerEffects: TimerEffects = async (ctx, incident, events) => {
  const timedOut = events.find((e) => e.type === "confirmation_timed_out");
  if (!timedOut) return;
  const { waitingFor, confirmed } = timedOutWith(timedOut);
  const post = ctx.render("incident-closed", {
    ...incidentVars(ctx, incident),
    timedOut: true,
    waitingFor: waitingFor.map((id) => ({ id })),
    confirmedBy: confirmed.map((id) => ({ id })),
  });
  const base = `${timedOut.data.timer}-g${timedOut.data.gen}-closed`;
  await ctx.outbox.send(
    ...(await incidentNews(ctx, incident, newsKeys(incident, base), { post, notify: {} })),
  );
};
