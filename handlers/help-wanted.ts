import type { CommandOf } from "../src/core/commands/schema.js";
import { addHelpCall, nextHelpDue, takeHelpCall } from "../src/core/incident/help-calls.js";
import type { HelpCall, Incident } from "../src/core/incident/incident.js";
import { parseIncidentRef } from "../src/core/incident/offers.js";
import { armTimer, stopTimer } from "../src/core/incident/timers.js";
import { ASKED_WINDOW_MS } from "../src/core/oncall/asked.js";
import { type HelpAsk, helpCandidates, whomToAsk } from "../src/core/oncall/help-candidates.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentIdInConversation, requireOngoing } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { inviteQuietly } from "./invite.js";
import { loadBook } from "./oncall-state.js";
import { announceItems, channelPost, directItem, incidentKey, reply } from "./outbox-items.js";
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
 * channel (where people not yet involved see it) with "I'll take it", and sent by DM, with the same button, to
 * the two likeliest helpers asked least recently (see core/oncall/help-candidates.ts). If nobody takes it in time
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
  const asks = await whomToAskForHelp(ctx, incident, call.by, now);
  await ctx.outbox.send(
    ...channelPost(incident, key, ctx.render("help-wanted", vars)),
    ...(await announceItems(
      ctx,
      incident,
      `${key}-announcement`,
      ctx.render("help-wanted", { ...vars, announcement: true }),
    )),
    ...asks.map((ask) =>
      directItem(incident, `${key}-dm-${ask.personId}`, ask.userId, ctx.render("help-wanted-dm", vars)),
    ),
  );
}

/**
 * Who is asked by direct message (the rule is in core/oncall/help-candidates.ts), recorded in the shared
 * record of who was asked so the next call, or the cover and planner asks, turn to someone else. A failure to
 * read or write the record costs the DMs, never the call itself: the posts still go out.
 */
async function whomToAskForHelp(
  ctx: HandlerContext,
  incident: Incident,
  asker: string,
  now: Date,
): Promise<HelpAsk[]> {
  try {
    const [book, away, asked] = await Promise.all([
      loadBook(ctx, now),
      ctx.oncall.away(now),
      ctx.oncall.askedSince(new Date(now.getTime() - ASKED_WINDOW_MS)),
    ]);
    const asks = whomToAsk(helpCandidates(ctx.settings, incident, asker, now, book, away), asked);
    if (asks.length > 0)
      await ctx.oncall.recordAsked(
        asks.map((a) => a.personId),
        now,
      );
    return asks;
  } catch (err) {
    ctx.logger.warn(
      { incident: incident.id, err: String(err) },
      "could not choose whom to ask for help by DM",
    );
    return [];
  }
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
