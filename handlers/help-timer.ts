import { unansweredCall } from "../src/core/incident/help-calls.js";
import { platformIdsOf } from "../src/core/oncall/people.js";
import type { OutboxItem } from "../src/core/ports.js";
import { incidentVars } from "./incident-vars.js";
import { channelPost, directItem, incidentKey } from "./outbox-items.js";
import type { TimerEffects } from "./timer-effect.js";

/**
 * Calls for help nobody took in time (core/incident/help-calls.ts `fireHelpTimer`): the managers are mentioned
 * in the channel and told by DM. With no manager to ping, the channel is told so, with the config setting
 * that fixes it, rather than the call going quietly unanswered.
 */
export const helpTimerEffects: TimerEffects = async (ctx, incident, events) => {
  const vars = incidentVars(ctx, incident);
  // The managers (`roles.managers`); those without an account on the platform are left out.
  const managers = platformIdsOf(ctx.settings, ctx.settings.roles.managers, incident.platform);
  const items: OutboxItem[] = [];
  for (const e of events) {
    if (e.type !== "help_unanswered") continue;
    const { call, text, by, waited } = unansweredCall(e);
    const base = `${e.data.timer}-g${e.data.gen}-call-${e.data.call}`;
    items.push(
      ...channelPost(
        incident,
        incidentKey(incident, `${base}-unanswered`),
        ctx.render("help-unanswered", {
          ...vars,
          text,
          by,
          waited,
          call,
          managers: managers.length > 0 ? managers.map((id) => ({ id })) : undefined,
          configured: ctx.settings.roles.managers.length > 0,
        }),
      ),
    );
    for (const manager of managers) {
      items.push(
        directItem(
          incident,
          incidentKey(incident, `${base}-unanswered-dm-${manager}`),
          manager,
          ctx.render("help-unanswered-dm", { ...vars, text, by, waited, call }),
        ),
      );
    }
  }
  if (items.length > 0) await ctx.outbox.send(...items);
};
