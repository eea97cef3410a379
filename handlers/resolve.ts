import { UsageError } from "../src/core/errors.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import { isFinished, stopAllTimers } from "../src/core/incident/timers.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentIdInConversation } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { incidentNews, newsKeys } from "./outbox-items.js";
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
  const id = await incidentIdInConversation(ctx, inbound, "resolve");
  const now = ctx.clock.now();
  const { incident: updated } = await updateIncident(ctx, id, (current) => {
    if (isFinished(current)) {
      throw new UsageError(
        `${current.id} is already ${current.state}. Nothing was changed.`,
        "already_resolved",
      );
    }
    return {
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
    };
  });
  const base = `resolve-g${updated.timers?.update?.gen ?? 0}`;
  await ctx.outbox.send(
    ...(await incidentNews(ctx, updated, newsKeys(updated, base), {
      post: ctx.render("resolved", { ...incidentVars(ctx, updated), actor: inbound.actor, summary }),
    })),
  );
}
