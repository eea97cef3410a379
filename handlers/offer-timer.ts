import { expiredOffer } from "../src/core/incident/offers.js";
import type { OutboxItem } from "../src/core/ports.js";
import { incidentVars } from "./incident-vars.js";
import { channelPost, directItem, incidentKey } from "./outbox-items.js";
import type { TimerEffects } from "./timer-effect.js";

/**
 * An offer of command nobody answered in time (core/incident/offers.ts `fireOfferTimer`): whoever offered is
 * told by DM, so they can ask someone else, and the channel is told nothing changed.
 */
export const offerTimerEffects: TimerEffects = async (ctx, incident, events) => {
  const vars = incidentVars(ctx, incident);
  const items: OutboxItem[] = [];
  for (const e of events) {
    if (e.type !== "commander_offer_expired") continue;
    const base = `${e.data.timer}-g${e.data.gen}-expired`;
    const { to, by, handoff, waited } = expiredOffer(e);
    items.push(
      ...channelPost(
        incident,
        incidentKey(incident, base),
        ctx.render("offer-expired", { ...vars, to, by, handoff, waited }),
      ),
    );
    if (by) {
      items.push(
        directItem(
          incident,
          incidentKey(incident, `${base}-dm`),
          by,
          ctx.render("offer-expired-dm", { ...vars, to, handoff, waited }),
        ),
      );
    }
  }
  if (items.length > 0) await ctx.outbox.send(...items);
};
