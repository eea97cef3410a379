import { TemplatedRefusal, UsageError } from "../src/core/errors.js";
import type { Incident } from "../src/core/incident/incident.js";
import {
  changePostmortemOwner,
  defaultOwner,
  finishPostmortem,
  mayFinishPostmortem,
  nextReminder,
  postmortemOpens,
  startPostmortem,
} from "../src/core/incident/postmortem.js";
import { armTimer, stopTimer } from "../src/core/incident/timers.js";
import { platformIdsOf } from "../src/core/oncall/people.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentIdInConversation } from "./incident-lookup.js";
import { channelPost, directItem, incidentKey, reply, zoneOf } from "./outbox-items.js";
import { draftUrl, postmortemVars } from "./postmortem-vars.js";
import { updateIncident } from "./timers.js";

/**
 * `/incident postmortem [@owner]` and `/incident postmortem done`. The rules are core/incident/postmortem.ts,
 * the owner's reminders postmortem-timer.ts, and the draft is served by src/http/postmortem.ts.
 */

const NOTHING = "Nothing was changed.";

function notYet(incident: Incident): UsageError {
  return new UsageError(
    `The post-mortem opens once the incident is resolved: ${incident.id} is ${incident.state.replace(/_/g, " ")}. ` +
      `Resolve it with \`/incident resolve [summary]\` once the fix is live, then ask again. ${NOTHING}`,
    "postmortem_not_yet",
  );
}

/** A merged duplicate has no story of its own: its post-mortem is the survivor's (as its follow-ups are). */
function onDuplicate(incident: Incident & { duplicateOf: string }): UsageError {
  return new UsageError(
    `${incident.id} was closed as a duplicate of ${incident.duplicateOf}: its post-mortem is the one of ${incident.duplicateOf}. Ask for it with \`/incident postmortem\` in the channel of ${incident.duplicateOf}. ${NOTHING}`,
    "postmortem_on_duplicate",
  );
}

/** What one `postmortem [@owner]` did: opened it, handed it to someone else, or nothing (it was open). */
type Outcome = "opened" | "owner_changed" | "none";

/**
 * `/incident postmortem [@owner]`, in the incident's channel. On an incident without one: refused until it is
 * resolved (or closed), and on a merged duplicate; else it opens (owner: the one named, else the service's
 * manager, else whoever asked; due `postmortem.due_after` from now), arms the owner's reminders, posts the
 * draft's link in the channel and tells the owner by DM. On one that is open: naming someone else hands it to
 * them (same permission as `done`; the reminders restart for them and they hear it by DM); otherwise only the
 * link and the owner are answered, and the pending reminder is scheduled again (idempotent), so one lost to a
 * crash comes back whenever anyone asks (resolved incidents are not in the periodic timer reconciliation).
 */
export async function openPostmortem(ctx: HandlerContext, inbound: Inbound, owner?: string): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "postmortem");
  if (owner) await checkOwner(ctx, inbound, owner);
  const now = ctx.clock.now();
  let outcome = "none" as Outcome;
  const { incident } = await updateIncident(ctx, id, (current) => {
    outcome = "none";
    const pm = current.postmortem;
    // An open post-mortem is answered whatever the state: a reopened incident keeps the one it had.
    if (pm) {
      if (!owner || owner === pm.owner) return null;
      if (pm.done) {
        throw new UsageError(
          `The post-mortem of ${current.id} is done already, so there is nothing left to own. ${NOTHING}`,
          "postmortem_done_already",
        );
      }
      if (!mayFinishPostmortem(ctx.settings, current, inbound.actor)) throw notAllowed(ctx, current);
      const moved = changePostmortemOwner(current, owner, now);
      if (!moved) return null;
      outcome = "owner_changed";
      const first = nextReminder(ctx.settings, pm, now);
      return { incident: { ...moved, timers: armTimer(moved, "postmortem", first) }, events: [] };
    }
    if (current.duplicateOf) throw onDuplicate({ ...current, duplicateOf: current.duplicateOf });
    if (!postmortemOpens(current)) throw notYet(current);
    const started = startPostmortem(ctx.settings, current, inbound.actor, now, owner);
    if (!started) return null;
    // Naming someone other than the default owner is handing it over: the same decision as `done`.
    const byDefault = defaultOwner(ctx.settings, current, inbound.actor);
    if (owner && owner !== byDefault) {
      const asOpened: Incident = {
        ...started.incident,
        postmortem: {
          ...(started.incident.postmortem as NonNullable<Incident["postmortem"]>),
          owner: byDefault,
        },
      };
      if (!mayFinishPostmortem(ctx.settings, asOpened, inbound.actor)) throw notAllowed(ctx, asOpened);
    }
    outcome = "opened";
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
  const url = await draftUrl(ctx, incident);
  if (outcome === "none") {
    await rearmPending(ctx, incident);
    await reply(
      ctx,
      inbound,
      ctx.render("postmortem-exists", {
        ...postmortemVars(ctx, incident, zoneOf(ctx, inbound), url),
        done: Boolean(pm.done),
        doneAt: pm.done?.at,
        doneBy: pm.done?.by,
      }),
      "postmortem",
    );
    return;
  }
  if (outcome === "owner_changed") {
    await tellOwnerChanged(ctx, inbound, incident, url);
    return;
  }
  // The service's manager (from the config) when there is one reachable here, else "".
  const manager = defaultOwner(ctx.settings, incident, "");
  await ctx.outbox.send(
    ...channelPost(
      incident,
      incidentKey(incident, "postmortem-created"),
      ctx.render("postmortem-created", {
        ...postmortemVars(ctx, incident, ctx.settings.timezone, url),
        actor: pm.by,
        byManager: manager !== "" && manager === pm.owner,
        remindEvery: ctx.settings.postmortem.remindEveryMs,
      }),
    ),
    ...(pm.owner === pm.by
      ? []
      : [ownerDm(ctx, incident, pm.by, incidentKey(incident, "postmortem-owner"), url)]),
  );
  // Without a channel (its creation failed) the post above goes nowhere: the person still gets the link.
  if (!incident.channel) {
    await reply(
      ctx,
      inbound,
      ctx.render("postmortem-exists", {
        ...postmortemVars(ctx, incident, zoneOf(ctx, inbound), url),
        done: false,
      }),
      "postmortem",
    );
  }
}

/** Schedules the pending reminder's job again: a no-op when it is queued (job ids are per generation). */
async function rearmPending(ctx: HandlerContext, incident: Incident): Promise<void> {
  const timer = incident.timers?.postmortem;
  if (!timer?.dueAt || incident.postmortem?.done) return;
  await ctx.jobs.scheduleTimer({
    incidentId: incident.id,
    kind: "postmortem",
    gen: timer.gen,
    dueAt: timer.dueAt,
  });
}

/** The DM that makes someone the owner (on opening, or when it is handed to them). */
function ownerDm(ctx: HandlerContext, incident: Incident, actor: string, key: string, url: string) {
  const owner = incident.postmortem?.owner ?? "";
  return directItem(
    incident,
    key,
    owner,
    ctx.render("postmortem-owner-dm", {
      ...postmortemVars(ctx, incident, zoneOf(ctx, { platform: incident.platform, actor: owner }), url),
      actor,
      channel: incident.channel?.id,
    }),
  );
}

/** The channel hears who owns it now (the person does, without a channel); the new owner gets a DM. */
async function tellOwnerChanged(
  ctx: HandlerContext,
  inbound: Inbound,
  incident: Incident,
  url: string,
): Promise<void> {
  const owner = incident.postmortem?.owner ?? "";
  // Per delivery: the same person may be handed it twice, and a retried command must not tell them twice.
  const key = incidentKey(incident, `postmortem-owner-${inbound.platform}-${inbound.deliveryId}`);
  const message = ctx.render("postmortem-owner-changed", {
    ...postmortemVars(ctx, incident, ctx.settings.timezone, url),
    actor: inbound.actor,
  });
  const posted = channelPost(incident, key, message);
  await ctx.outbox.send(
    ...posted,
    ...(owner === inbound.actor ? [] : [ownerDm(ctx, incident, inbound.actor, `${key}-dm`, url)]),
  );
  if (!posted.length) await reply(ctx, inbound, message, "postmortem-owner");
}

/** The owner must be someone a DM reaches: a person of this workspace, not a bot, not deactivated. */
async function checkOwner(ctx: HandlerContext, inbound: Inbound, owner: string): Promise<void> {
  const user = await ctx.platform(inbound.platform).userInfo(owner);
  if (!user) {
    throw new UsageError(
      `I cannot find that person in this workspace. Mention the owner with @ as they appear in the member list, e.g. \`/incident postmortem @name\`. ${NOTHING}`,
      "unknown_user",
    );
  }
  if (user.isBot)
    throw new UsageError(`A bot cannot own a post-mortem: name a person. ${NOTHING}`, "bot_user");
  if (user.deleted) {
    throw new UsageError(
      `That account is deactivated, so its owner could never be reminded: name someone else. ${NOTHING}`,
      "deactivated_user",
    );
  }
}

/**
 * `/incident postmortem done`: by its owner, the commander, a manager or an admin. Records it (with the
 * `postmortem_done` event), stops the reminders in the same write and says so in the channel; asked again, it
 * answers that it is done already.
 */
export async function markPostmortemDone(ctx: HandlerContext, inbound: Inbound): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "postmortem done");
  const now = ctx.clock.now();
  const { incident, changed } = await updateIncident(ctx, id, (current) => {
    const pm = current.postmortem;
    if (!pm) {
      throw new UsageError(
        `${current.id} has no post-mortem yet: open it with \`/incident postmortem\` once the incident is resolved. ${NOTHING}`,
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
  const url = await draftUrl(ctx, incident);
  if (!changed || !pm?.done) {
    await reply(
      ctx,
      inbound,
      ctx.render("postmortem-exists", {
        ...postmortemVars(ctx, incident, zoneOf(ctx, inbound), url),
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
        ...postmortemVars(ctx, incident, ctx.settings.timezone, url),
        actor: inbound.actor,
      }),
    ),
  );
  if (!incident.channel) {
    await reply(
      ctx,
      inbound,
      ctx.render("postmortem-done", {
        ...postmortemVars(ctx, incident, zoneOf(ctx, inbound), url),
        actor: inbound.actor,
      }),
      "postmortem-done",
    );
  }
}

/**
 * Refuses `done` or naming the owner, naming who may. Not the shared `notAllowed` of permission.ts: that one
 * has no "owner" role, and leaving the owner out would hide the one person who most obviously may.
 */
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
    `Only the post-mortem's owner (${owner}), the Incident Commander, a manager or an admin can mark the post-mortem of ${incident.id} done or hand it to someone else. ${NOTHING}`,
    "not_allowed",
  );
}
