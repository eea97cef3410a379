import { TemplatedRefusal, UsageError } from "../src/core/errors.js";
import type { Incident } from "../src/core/incident/incident.js";
import {
  defaultOwner,
  finishPostmortem,
  mayFinishPostmortem,
  postmortemOpens,
  startPostmortem,
} from "../src/core/incident/postmortem.js";
import { armTimer, stopTimer } from "../src/core/incident/timers.js";
import { platformIdsOf } from "../src/core/oncall/people.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentIdInConversation } from "./incident-lookup.js";
import { channelPost, directItem, incidentKey, reply, zoneOf } from "./outbox-items.js";
import { postmortemVars } from "./postmortem-vars.js";
import { updateIncident } from "./timers.js";

/**
 * `/incident postmortem` and `/incident postmortem done`. The rules are core/incident/postmortem.ts, the owner's
 * reminders postmortem-timer.ts, and the draft is served by src/http/postmortem.ts.
 */

function notYet(incident: Incident): UsageError {
  return new UsageError(
    `The post-mortem opens once the incident is resolved: ${incident.id} is ${incident.state.replace(/_/g, " ")}. ` +
      "Resolve it with `/incident resolve [summary]` once the fix is live, then ask again. Nothing was changed.",
    "postmortem_not_yet",
  );
}

/**
 * `/incident postmortem`, in the incident's channel: refused until the incident is resolved (or closed). The
 * first call opens it (owner: the service's manager, else whoever asked; due `postmortem.due_after` from now),
 * arms the owner's reminders, posts the draft's link in the channel and tells the owner by DM; a later call
 * only answers with the link and the owner.
 */
export async function openPostmortem(ctx: HandlerContext, inbound: Inbound): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "postmortem");
  const now = ctx.clock.now();
  const { incident, changed } = await updateIncident(ctx, id, (current) => {
    if (!postmortemOpens(current)) throw notYet(current);
    const started = startPostmortem(ctx.settings, current, inbound.actor, now);
    if (!started) return null;
    return {
      incident: {
        ...started.incident,
        timers: armTimer(started.incident, "postmortem", started.firstReminder),
      },
      events: started.events,
    };
  });
  const pm = incident.postmortem;
  if (!pm) throw notYet(incident);
  if (!changed) {
    await reply(
      ctx,
      inbound,
      ctx.render("postmortem-exists", {
        ...postmortemVars(ctx, incident, zoneOf(ctx, inbound)),
        done: Boolean(pm.done),
        doneAt: pm.done?.at,
        doneBy: pm.done?.by,
      }),
      "postmortem",
    );
    return;
  }
  // The service's manager (from the config) when there is one reachable here, else "".
  const manager = defaultOwner(ctx.settings, incident, "");
  await ctx.outbox.send(
    ...channelPost(
      incident,
      incidentKey(incident, "postmortem-created"),
      ctx.render("postmortem-created", {
        ...postmortemVars(ctx, incident, ctx.settings.timezone),
        actor: pm.by,
        byManager: manager !== "" && manager === pm.owner,
        remindEvery: ctx.settings.postmortem.remindEveryMs,
      }),
    ),
    ...(pm.owner === pm.by
      ? []
      : [
          directItem(
            incident,
            incidentKey(incident, "postmortem-owner"),
            pm.owner,
            ctx.render("postmortem-owner-dm", {
              ...postmortemVars(ctx, incident, zoneOf(ctx, { platform: incident.platform, actor: pm.owner })),
              actor: pm.by,
              channel: incident.channel?.id,
            }),
          ),
        ]),
  );
  // Without a channel (its creation failed) the post above goes nowhere: the person still gets the link.
  if (!incident.channel) {
    await reply(
      ctx,
      inbound,
      ctx.render("postmortem-exists", {
        ...postmortemVars(ctx, incident, zoneOf(ctx, inbound)),
        done: false,
      }),
      "postmortem",
    );
  }
}

/**
 * `/incident postmortem done`: by its owner, the commander, a manager or an admin. Records it (with the
 * `postmortem_done` event), stops the reminders in the same write and says so in the channel.
 */
export async function markPostmortemDone(ctx: HandlerContext, inbound: Inbound): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "postmortem done");
  const now = ctx.clock.now();
  const { incident, changed } = await updateIncident(ctx, id, (current) => {
    const pm = current.postmortem;
    if (!pm) {
      throw new UsageError(
        `${current.id} has no post-mortem yet: open it with \`/incident postmortem\` once the incident is resolved. Nothing was changed.`,
        "no_postmortem",
      );
    }
    if (pm.done) return null;
    if (!mayFinishPostmortem(ctx.settings, current, inbound.actor)) throw notAllowed(ctx, current);
    const finished = finishPostmortem(current, inbound.actor, now);
    if (!finished) return null;
    return {
      incident: { ...finished.incident, timers: stopTimer(finished.incident, "postmortem") },
      events: finished.events,
    };
  });
  const pm = incident.postmortem;
  if (!changed || !pm?.done) {
    await reply(
      ctx,
      inbound,
      ctx.render("postmortem-exists", {
        ...postmortemVars(ctx, incident, zoneOf(ctx, inbound)),
        done: true,
        doneAt: pm?.done?.at,
        doneBy: pm?.done?.by,
      }),
      "postmortem-done",
    );
    return;
  }
  await ctx.outbox.send(
    ...channelPost(
      incident,
      incidentKey(incident, "postmortem-done"),
      ctx.render("postmortem-done", {
        ...postmortemVars(ctx, incident, ctx.settings.timezone),
        actor: inbound.actor,
      }),
    ),
  );
  if (!incident.channel) {
    await reply(
      ctx,
      inbound,
      ctx.render("postmortem-done", {
        ...postmortemVars(ctx, incident, zoneOf(ctx, inbound)),
        actor: inbound.actor,
      }),
      "postmortem-done",
    );
  }
}

function notAllowed(ctx: HandlerContext, incident: Incident): TemplatedRefusal {
  const ids = (group: readonly string[]) =>
    platformIdsOf(ctx.settings, group, incident.platform).map((id) => ({ id }));
  const owner = incident.postmortem?.owner ?? "";
  return new TemplatedRefusal(
    "postmortem-not-allowed",
    {
      incident: { id: incident.id },
      owner,
      commander: incident.commander?.platformUserId,
      managers: ids(ctx.settings.roles.managers),
      admins: ids(ctx.settings.roles.admins),
    },
    `Only the post-mortem's owner (${owner}), the Incident Commander, a manager or an admin can mark the post-mortem of ${incident.id} done. Nothing was changed.`,
    "not_allowed",
  );
}
