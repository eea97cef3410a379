import { UsageError } from "../src/core/errors.js";
import type { Fix } from "../src/core/incident/incident.js";
import { enterState } from "../src/core/incident/lifecycle.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentIdInConversation } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { stateChangeKeys } from "./lifecycle-news.js";
import { requireTransition } from "./lifecycle-refusal.js";
import { incidentNews } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

/**
 * `/incident fix <link or sha>`: the fix is recorded (shown on the card as merged, not live) and the incident
 * moves to fix_merged, where resolving waits for `deployed`. A fix recorded again while it still waits for its
 * deploy is not listed twice.
 */
export async function recordFix(
  ctx: HandlerContext,
  inbound: Inbound,
  ref: string,
  refKind: Fix["refKind"],
): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "fix");
  const now = ctx.clock.now();
  const { incident: updated, before } = await updateIncident(ctx, id, (current) => {
    const fixes = current.fixes ?? [];
    const waiting = fixes.some((f) => f.ref === ref && !f.deployedAt);
    if (waiting && current.state === "fix_merged") {
      throw new UsageError(
        `That fix is already recorded on ${current.id} and waits for its deploy: run \`/incident deployed\` once it is live. Nothing was changed.`,
        "fix_already_recorded",
      );
    }
    const { from, to } = requireTransition(current, "fix");
    const fix: Fix = { ref, refKind, at: now.toISOString(), actor: inbound.actor };
    return {
      incident: { ...enterState(current, to, now), fixes: waiting ? fixes : [...fixes, fix] },
      events: [
        timelineEvent("fix_recorded", now, { ref, refKind }, inbound.actor),
        timelineEvent("status_changed", now, { from, to }, inbound.actor),
      ],
    };
  });
  const post = ctx.render("fix-recorded", {
    ...incidentVars(ctx, updated),
    actor: inbound.actor,
    from: before.state,
    ref,
    isLink: refKind === "link",
  });
  await ctx.outbox.send(
    ...(await incidentNews(ctx, updated, stateChangeKeys(updated), {
      post,
      notify: { actor: inbound.actor },
    })),
  );
}
