import { UsageError } from "../src/core/errors.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import { isFinished, stopAllTimers } from "../src/core/incident/timers.js";
import type { Inbound } from "../src/core/ports.js";
import { incidentInConversation } from "./acknowledge.js";
import type { HandlerContext } from "./context.js";
import { incidentVars } from "./incident-vars.js";
import { cardEdit, channelPost, incidentKey } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

/**
 * `/incident resolve [summary]`, minimal: the incident is resolved, every timer stops in the same write (a
 * generation bump fences out any job already due) and its jobs are cancelled, and the channel is told.
 *
 * TODO(lifecycle issue): who may resolve (the commander, or anyone with the reporter's confirmation), the
 * transition table (resolved needs the fix live) and the reporter's confirmation before `closed` belong here.
 */
export async function resolveIncident(
  ctx: HandlerContext,
  inbound: Inbound,
  summary?: string,
): Promise<void> {
  const incident = await incidentInConversation(ctx, inbound, "resolve");
  if (isFinished(incident)) {
    throw new UsageError(
      `${incident.id} is already ${incident.state}. Nothing was changed.`,
      "already_resolved",
    );
  }
  const now = ctx.clock.now();
  const { incident: updated, changed } = await updateIncident(ctx, incident.id, (current) =>
    isFinished(current)
      ? null
      : {
          incident: {
            ...current,
            state: "resolved",
            timers: stopAllTimers(current),
            updatedAt: now.toISOString(),
          },
          events: [
            timelineEvent(
              "status_changed",
              now,
              { from: current.state, to: "resolved", ...(summary && { summary }) },
              inbound.actor,
            ),
          ],
        },
  );
  if (!changed) throw new UsageError(`${updated.id} is already ${updated.state}. Nothing was changed.`);
  const base = `resolve-g${updated.timers?.update?.gen ?? 0}`;
  await ctx.outbox.send(
    ...channelPost(
      updated,
      incidentKey(updated, base),
      ctx.render("resolved", { ...incidentVars(ctx, updated), actor: inbound.actor, summary }),
    ),
    ...cardEdit(ctx, updated, incidentKey(updated, `${base}-card`)),
  );
}
