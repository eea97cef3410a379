import type { CommandOf } from "../src/core/commands/schema.js";
import { addHelpCall, nextHelpDue, takeHelpCall } from "../src/core/incident/help-calls.js";
import type { HelpCall, Incident } from "../src/core/incident/incident.js";
import { parseIncidentRef } from "../src/core/incident/offers.js";
import { armTimer, stopTimer } from "../src/core/incident/timers.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentIdInConversation, requireOngoing } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { inviteQuietly } from "./invite.js";
import { announceItems, channelPost, incidentKey, reply } from "./outbox-items.js";
import type { ActionRoute } from "./routes.js";
import { updateIncident } from "./timers.js";

/**
 * The one "help" timer kept at the earliest deadline of the calls still waiting, or stopped when none waits.
 * Re-armed only when that deadline moves, so a call added behind an earlier one leaves the queued job alone.
 */
function helpTimers(incident: Incident): Incident["timers"] {
  const due = nextHelpDue(incident.helpCalls);
  if (!due) return stopTimer(incident, "help");
  if (incident.timers?.help?.dueAt === due) return incident.timers;
  return armTimer(incident, "help", due);
}

/**
 * `/incident help-wanted <text>`: a call for takers, posted in the incident channel and in the announcement
 * channel (where people not yet involved see it) with "I'll take it". If nobody takes it in time
 * (`lifecycle.help_wanted_expires_after`), the managers are pinged (handlers/help-timer.ts).
 */
export async function askForHelp(
  ctx: HandlerContext,
  inbound: Inbound,
  command: CommandOf<"help_wanted">,
): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "help-wanted");
  const now = ctx.clock.now();
  let call: HelpCall | undefined;
  const { incident } = await updateIncident(ctx, id, (current) => {
    requireOngoing(current, "help-wanted");
    const change = addHelpCall(
      current,
      command.text,
      inbound.actor,
      ctx.settings.lifecycle.helpWantedMs,
      now,
    );
    call = change.call;
    return { incident: { ...change.incident, timers: helpTimers(change.incident) }, events: change.events };
  });
  if (!call) return;
  const vars = {
    ...incidentVars(ctx, incident),
    by: call.by,
    text: call.text,
    call: call.id,
    dueIn: Date.parse(call.dueAt) - Date.parse(call.at),
  };
  const key = incidentKey(incident, `help-${call.id}`);
  await ctx.outbox.send(
    ...channelPost(incident, key, ctx.render("help-wanted", vars)),
    ...(await announceItems(
      ctx,
      incident,
      `${key}-announcement`,
      ctx.render("help-wanted", { ...vars, announcement: true }),
    )),
  );
}

/** "I'll take it": the first taker gets the call and is added to the incident channel; a later one is told who has it. */
export const takeHelpClick: ActionRoute = async (ctx, inbound, value) => {
  const ref = parseIncidentRef(value);
  if (!ref) return;
  const now = ctx.clock.now();
  let taken: HelpCall | undefined;
  const { incident } = await updateIncident(ctx, ref.incidentId, (current) => {
    requireOngoing(current, "help-wanted");
    const change = takeHelpCall(current, ref.n, inbound.actor, now);
    taken = change.call;
    return { incident: { ...change.incident, timers: helpTimers(change.incident) }, events: change.events };
  });
  if (!taken) return;
  await inviteQuietly(ctx, incident, [inbound.actor], "whoever took a call for help");
  const vars = { ...incidentVars(ctx, incident), taker: inbound.actor, by: taken.by, text: taken.text };
  await ctx.outbox.send(
    ...channelPost(incident, incidentKey(incident, `help-${taken.id}-taken`), ctx.render("help-taken", vars)),
  );
  await reply(ctx, inbound, ctx.render("help-taken-reply", vars));
};
