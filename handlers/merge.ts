import { UsageError } from "../src/core/errors.js";
import { type Incident, incidentId, severityLabel } from "../src/core/incident/incident.js";
import {
  closeAsDuplicate,
  duplicateRefusal,
  foldDuplicate,
  followersOf,
  type MergeRefusal,
  raiseRecorded,
  targetRefusal,
} from "../src/core/incident/merge.js";
import { isFinished } from "../src/core/incident/timers.js";
import type { Inbound, OutboxItem } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentInConversation } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { noSuchIncident } from "./named-incident.js";
import { directItem, incidentKey, incidentNews, newsKeys } from "./outbox-items.js";
import { requireAllowed } from "./permission.js";
import { updateIncident } from "./timers.js";

/** How far `duplicateOf` links are followed to find a cycle through several merges. */
const MAX_CHAIN = 20;

/**
 * `/incident merge INC-n`, typed in the duplicate's channel: the duplicate closes and INC-n carries on with its
 * reporters and subscribers. Two writes, in an order that is safe to run again (see core/incident/merge.ts):
 * INC-n takes the duplicate in (reporters, subscribers, the more severe severity), then the duplicate closes.
 * Everything is checked before the first write, and each write checks its incident again as it is then.
 *
 * Typing it again after a merge that stopped half way finishes it; after a merge that completed, it sends
 * whatever messages had not gone out yet (their keys make the rest no-ops) and says it is already merged.
 */
export async function mergeIncident(
  ctx: HandlerContext,
  inbound: Inbound,
  targetNumber: number,
): Promise<void> {
  const duplicate = await incidentInConversation(ctx, inbound, "merge");
  const targetId = incidentId(targetNumber);
  const early = duplicateRefusal(duplicate, targetId);
  if (early?.reason === "already_merged") return redoNews(ctx, duplicate, targetId);
  refuse(early, duplicate, targetId, false);
  const target = await ctx.store.get(targetId);
  if (!target) throw noSuchIncident(targetId, true);
  requireAllowed(ctx, duplicate, inbound.actor, "merge");
  refuse(targetRefusal(target, duplicate, await chainOf(ctx, target)), duplicate, targetId, false);

  const now = ctx.clock.now();
  const folded = await updateIncident(ctx, targetId, (current) => {
    refuse(targetRefusal(current, duplicate), duplicate, targetId, false);
    return foldDuplicate(current, duplicate, ctx.settings, now, inbound.actor);
  });
  const closed = await updateIncident(ctx, duplicate.id, (current) => {
    if (current.state !== "closed") requireAllowed(ctx, current, inbound.actor, "merge");
    const refusal = duplicateRefusal(current, targetId);
    if (refusal?.reason !== "already_merged") refuse(refusal, current, targetId, true);
    return closeAsDuplicate(current, targetId, now, inbound.actor);
  });
  const raised = folded.changed
    ? raisedBy(folded.before, folded.incident)
    : raiseRecorded(await ctx.store.timeline(targetId), duplicate.id);
  await ctx.outbox.send(...(await mergeNews(ctx, closed.incident, folded.incident, inbound.actor, raised)));
}

/**
 * A merge typed again once it completed: the messages that had not gone out yet (a crash between the write
 * and the send) go out now, with the words of the merge as recorded; the rest are no-ops by their keys.
 */
async function redoNews(ctx: HandlerContext, duplicate: Incident, targetId: string): Promise<never> {
  const target = await ctx.store.get(targetId);
  const merged = (await ctx.store.timeline(duplicate.id)).findLast(
    (e) => e.type === "merged" && e.data.into === targetId,
  );
  if (target && merged?.actor) {
    const raised = raiseRecorded(await ctx.store.timeline(targetId), duplicate.id);
    await ctx.outbox.send(...(await mergeNews(ctx, duplicate, target, merged.actor, raised)));
  }
  return refuse({ reason: "already_merged", into: targetId }, duplicate, targetId, false);
}

/** The severity before and after, when the write raised it. */
function raisedBy(before: Incident, after: Incident): { from: string; to: string } | undefined {
  if (before.severity === after.severity) return undefined;
  return { from: severityLabel(before.severity), to: severityLabel(after.severity) };
}

/** Where the target's own `duplicateOf` links lead, target first (for a cycle through several merges). */
async function chainOf(ctx: HandlerContext, target: Incident): Promise<string[]> {
  const chain: string[] = [];
  let next = target.duplicateOf;
  while (next && !chain.includes(next) && chain.length < MAX_CHAIN) {
    chain.push(next);
    next = (await ctx.store.get(next))?.duplicateOf;
  }
  return chain;
}

/**
 * Throws the refusal as a message that says what to do instead. `late` is for the duplicate's own write,
 * where the survivor may already have taken it in: that message cannot promise nothing changed.
 */
function refuse(refusal: MergeRefusal, duplicate: Incident, targetId: string, late: boolean): never;
function refuse(refusal: MergeRefusal | null, duplicate: Incident, targetId: string, late: boolean): void;
function refuse(refusal: MergeRefusal | null, duplicate: Incident, targetId: string, late: boolean): void {
  if (!refusal) return;
  const end = late ? "" : " Nothing was changed.";
  const id = duplicate.id;
  switch (refusal.reason) {
    case "self":
      throw new UsageError(
        `${id} cannot be merged into itself. Type \`/incident merge INC-n\` in the duplicate's channel, naming the incident that stays open.${end}`,
        "merge_self",
      );
    case "already_merged":
      throw new UsageError(`${id} is already merged into ${targetId}.${end}`, "merge_done");
    case "duplicate_closed":
      throw new UsageError(
        refusal.duplicateOf
          ? `${id} is already closed as a duplicate of ${refusal.duplicateOf}, so it cannot be merged into ${targetId}.${end}`
          : `${id} is already closed, so there is nothing to merge. Reopen it first with \`/incident reopen\` if it is not over.${end}`,
        "merge_closed",
      );
    case "target_closed":
      throw new UsageError(
        refusal.duplicateOf
          ? `${targetId} is closed as a duplicate of ${refusal.duplicateOf}: merge ${id} into ${refusal.duplicateOf} instead.${end}`
          : `${targetId} is closed, so it cannot take ${id} in. Merge into an incident that is still open (\`/incident list\`).${end}`,
        "merge_target_closed",
      );
    case "other_platform":
      throw new UsageError(
        `${targetId} is followed on ${refusal.platform}, where the people of ${id} cannot be told. Merge incidents of the same platform.${end}`,
        "merge_other_platform",
      );
    case "cycle":
      throw new UsageError(
        `${targetId} was itself merged into ${id}, so merging ${id} into ${targetId} would make a cycle. If ${id} is the duplicate, it already carries on in ${targetId}'s place.${end}`,
        "merge_cycle",
      );
  }
}

/**
 * Everyone affected, told once (keys carry the duplicate's timer generation after its close, unique to this
 * merge and the same when it is run again): each channel links the other, both cards show the merge, the
 * duplicate's followers learn by DM that follow-up moves, the survivor's own subscribers get the news by DM,
 * and the announcement channel hears of it.
 */
async function mergeNews(
  ctx: HandlerContext,
  duplicate: Incident,
  target: Incident,
  actor: string,
  raised: { from: string; to: string } | undefined,
): Promise<OutboxItem[]> {
  const base = `merge-g${duplicate.timers?.update?.gen ?? 0}`;
  const dupVars = incidentVars(ctx, duplicate);
  const targetVars = incidentVars(ctx, target);
  const partner = (i: Incident) => ({
    id: i.id,
    title: i.title,
    severity: severityLabel(i.severity),
    ...(i.channel && { channel: i.channel.id }),
  });
  const followers = followersOf(duplicate);
  const dms = followers
    .filter((u) => u !== actor)
    .map((u) =>
      directItem(
        duplicate,
        incidentKey(duplicate, `${base}-dm-${u}`),
        u,
        ctx.render("merged-dm", { ...dupVars, target: partner(target) }),
      ),
    );
  const mergedIn = ctx.render("merged-in", {
    ...targetVars,
    actor,
    duplicate: partner(duplicate),
    raised,
    nextUpdateDue: isFinished(target) ? undefined : target.timers?.update?.dueAt,
  });
  const targetKeys = newsKeys(target, `merged-in-${duplicate.id}-g${duplicate.timers?.update?.gen ?? 0}`);
  return [
    ...(await incidentNews(ctx, duplicate, newsKeys(duplicate, base), {
      post: ctx.render("merged-into", { ...dupVars, actor, target: partner(target) }),
      announcement: ctx.render("merge-announcement", { ...dupVars, actor, target: partner(target), raised }),
    })),
    ...dms,
    // The survivor's own subscribers; the duplicate's followers, now subscribed too, have their DM above.
    ...(await incidentNews(ctx, target, targetKeys, {
      post: mergedIn,
      notify: { actor, except: followers },
    })),
  ];
}
