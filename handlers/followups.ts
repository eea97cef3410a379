import { TemplatedRefusal, UsageError } from "../src/core/errors.js";
import {
  type AddRefusal,
  addFollowup,
  addRefusal,
  type FollowupChange,
  followupsOf,
  isMarkRefusal,
  type MarkRefusal,
  markFollowupDone,
  numberList,
  openFollowups,
  reopenFollowup,
} from "../src/core/incident/followups.js";
import type { Followup, Incident } from "../src/core/incident/incident.js";
import type { Inbound } from "../src/core/ports.js";
import type { FollowupVars } from "../src/core/templates/registry-after-followups.js";
import type { HandlerContext } from "./context.js";
import { itemsThatFit } from "./fit-items.js";
import { incidentIdInConversation, incidentInConversation } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { cardEdit, channelPost, directItem, incidentKey, reply, zoneOf } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

/**
 * Follow-ups, typed in the incident's channel: `followup <text> [@owner]` adds one, `followup done <n>` and
 * `followup reopen <n>` change it, `followups` lists them to the asker. Anyone in the incident may do any of
 * it, at every stage (resolved and closed included: follow-ups are what comes after). Each change is one write
 * (numbering stays unique when two people add at once), then the channel is told and the status card shows the
 * open ones.
 */

const NOTHING = "Nothing was changed.";

/** `followup <text> [@owner]`: the owner gets a DM, unless they named themselves. */
export async function addFollowupCommand(
  ctx: HandlerContext,
  inbound: Inbound,
  text: string,
  owner?: string,
): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "followup");
  if (owner) await checkOwner(ctx, inbound, owner);
  const now = ctx.clock.now();
  let added: Followup | undefined;
  const { incident } = await updateIncident(ctx, id, (current) => {
    const refused = addRefusal(current);
    if (refused) throw addRefusalError(current, refused);
    const change = addFollowup(current, { text, ...(owner && { owner }), by: inbound.actor, now });
    added = change.followup;
    return change;
  });
  if (!added) return;
  const followup = followupVars(added);
  const key = incidentKey(incident, `followup-${added.n}`);
  const openCount = openFollowups(incident).length;
  const base = incidentVars(ctx, incident);
  await ctx.outbox.send(
    ...channelPost(incident, key, ctx.render("followup-added", { ...base, followup, openCount })),
    ...cardEdit(ctx, incident, `${key}-card`),
    ...(added.owner && added.owner !== inbound.actor
      ? [
          directItem(
            incident,
            `${key}-owner`,
            added.owner,
            ctx.render("followup-owner-dm", { ...base, followup, channel: incident.channel?.id }),
          ),
        ]
      : []),
  );
}

/** `followup done <n>` (`done` true) and `followup reopen <n>` (`done` false). */
export async function markFollowup(
  ctx: HandlerContext,
  inbound: Inbound,
  n: number,
  done: boolean,
): Promise<void> {
  const verb = done ? "followup done" : "followup reopen";
  const id = await incidentIdInConversation(ctx, inbound, verb);
  const now = ctx.clock.now();
  let changed: FollowupChange | undefined;
  const { incident } = await updateIncident(ctx, id, (current) => {
    const result = (done ? markFollowupDone : reopenFollowup)(current, n, inbound.actor, now);
    if (isMarkRefusal(result)) throw markRefusalError(ctx, inbound, current, result);
    changed = result;
    return result;
  });
  if (!changed) return;
  // A follow-up can go done → open → done again: the instant of this change keeps each one's keys apart.
  const key = incidentKey(incident, `followup-${n}-${done ? "done" : "reopened"}-${now.getTime()}`);
  const vars = {
    ...incidentVars(ctx, incident),
    followup: followupVars(changed.followup),
    actor: inbound.actor,
    openCount: openFollowups(incident).length,
  };
  await ctx.outbox.send(
    ...channelPost(incident, key, ctx.render("followup-changed", vars)),
    ...cardEdit(ctx, incident, `${key}-card`),
  );
}

/** `followups`: every follow-up of the incident, open ones first, shown only to the asker in their zone. */
export async function listFollowups(ctx: HandlerContext, inbound: Inbound): Promise<void> {
  const incident = await incidentInConversation(ctx, inbound, "followups");
  const all = followupsOf(incident);
  const items = [...all]
    .sort((a, b) => Number(a.state === "done") - Number(b.state === "done") || a.n - b.n)
    .map(followupVars);
  const vars = {
    ...incidentVars(ctx, incident),
    timezone: zoneOf(ctx, inbound),
    none: items.length === 0,
    total: items.length,
    openCount: openFollowups(incident).length,
    duplicateOf: incident.duplicateOf,
  };
  const render = (shown: readonly FollowupVars[], omitted: number) =>
    ctx.render("followups", { ...vars, followups: shown, omitted });
  const fit = itemsThatFit(items, render);
  await reply(ctx, inbound, render(items.slice(0, fit), items.length - fit), "followups");
}

export function followupVars(f: Followup): FollowupVars {
  return {
    n: f.n,
    text: f.text,
    ...(f.owner && { owner: f.owner }),
    open: f.state === "open",
    done: f.state === "done",
    by: f.by,
    at: f.at,
    ...(f.doneBy && { doneBy: f.doneBy }),
    ...(f.doneAt && { doneAt: f.doneAt }),
  };
}

/** The owner must be someone the DM can reach: a person of this workspace, not a bot, not deactivated. */
async function checkOwner(ctx: HandlerContext, inbound: Inbound, owner: string): Promise<void> {
  const user = await ctx.platform(inbound.platform).userInfo(owner);
  if (!user) {
    throw new UsageError(
      `I cannot find that person in this workspace. Mention the owner with @ as they appear in the member list, e.g. \`/incident followup Add an alert on queue depth @name\`. ${NOTHING}`,
      "unknown_user",
    );
  }
  if (user.isBot) throw new UsageError(`A bot cannot own a follow-up: name a person. ${NOTHING}`, "bot_user");
  if (user.deleted) {
    throw new UsageError(
      `That account is deactivated, so its owner could never be reached: name someone else. ${NOTHING}`,
      "deactivated_user",
    );
  }
}

function addRefusalError(incident: Incident, refused: AddRefusal): UsageError {
  if (refused.reason === "merged") {
    return new UsageError(
      `${incident.id} was closed as a duplicate of ${refused.into}: add follow-ups to ${refused.into}, in its channel. ${NOTHING}`,
      "followup_on_duplicate",
    );
  }
  return new UsageError(
    `${incident.id} is a change or guidance request, and follow-ups belong to incidents. If it turned out to be one, promote it with \`/incident promote ${incident.id}\` first. ${NOTHING}`,
    "followup_on_request",
  );
}

function markRefusalError(
  ctx: HandlerContext,
  inbound: Inbound,
  incident: Incident,
  refused: MarkRefusal,
): UsageError {
  if (refused.reason === "already") {
    const followup = followupVars(refused.followup);
    return new TemplatedRefusal(
      "followup-already",
      { ...incidentVars(ctx, incident), followup, timezone: zoneOf(ctx, inbound) },
      `Follow-up ${followup.n} on ${incident.id} is already ${followup.done ? "done" : "open"}. ${NOTHING}`,
      followup.done ? "followup_already_done" : "followup_already_open",
    );
  }
  if (refused.numbers.length === 0) {
    return new UsageError(
      `${incident.id} has no follow-ups yet, so there is no follow-up ${refused.n}. Add one with \`/incident followup <text> [@owner]\`. ${NOTHING}`,
      "no_such_followup",
    );
  }
  const which =
    refused.numbers.length === 1
      ? `its only follow-up is ${numberList(refused.numbers)}`
      : `its follow-ups are ${numberList(refused.numbers)}`;
  return new UsageError(
    `${incident.id} has no follow-up ${refused.n}: ${which} (\`/incident followups\` lists them). ${NOTHING}`,
    "no_such_followup",
  );
}
