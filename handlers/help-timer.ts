import { personById, platformUserId } from "../src/core/oncall/people.js";
import type { Platform } from "../src/core/platform.js";
import type { OutboxItem } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentVars } from "./incident-vars.js";
import { channelPost, directItem, incidentKey } from "./outbox-items.js";
import type { TimerEffects } from "./timer-effect.js";

/** The managers (`roles.managers`) as platform user ids; those without an account on the platform are left out. */
function managersOn(ctx: HandlerContext, platform: Platform): string[] {
  return ctx.settings.roles.managers.flatMap((id) => {
    const person = personById(ctx.settings, id);
    const user = person ? platformUserId(person, platform) : undefined;
    return user ? [user] : [];
  });
}

/**
 * Calls for help nobody took in time (core/incident/help-calls.ts `fireHelpTimer`): the managers are mentioned
 * in the channel and told by DM. With no manager to ping, the channel is told so, with the config setting
 * that fixes it, rather than the call going quietly unanswered.
 */
export const helpTimerEffects: TimerEffects = async (ctx, incident, events) => {
  const vars = incidentVars(ctx, incident);
  const managers = managersOn(ctx, incident.platform);
  const items: OutboxItem[] = [];
  for (const e of events) {
    if (e.type !== "help_unanswered") continue;
    const base = `${e.data.timer}-g${e.data.gen}-call-${e.data.call}`;
    const call = Number(e.data.call);
    const text = e.data.text ?? "";
    const by = e.data.by ?? "";
    const waited = Math.max(0, Date.parse(e.data.dueAt ?? e.at) - Date.parse(e.data.at ?? e.at)) || 0;
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
