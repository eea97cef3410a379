import { UsageError } from "../src/core/errors.js";
import { type Severity, severityLabel } from "../src/core/incident/incident.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import { timersForSeverity } from "../src/core/incident/timers.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentIdInConversation, requireOngoing } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { incidentNews, newsKeys } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

/**
 * `/incident sev <1-4>`: a new severity brings a new cadence. The update reminder is rescheduled from the last
 * update (or from now) on the new `update_every`; while nobody has acknowledged, the next escalation is
 * rescheduled from now on the new `ack_within`. Told in the channel, on the card and in the announcement channel.
 */
export async function changeSeverity(
  ctx: HandlerContext,
  inbound: Inbound,
  severity: Severity,
): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "sev");
  const now = ctx.clock.now();
  const { incident: updated, before } = await updateIncident(ctx, id, (current) => {
    requireOngoing(current, "sev");
    if (current.severity === severity) {
      throw new UsageError(
        `${current.id} is already ${severityLabel(severity)}. Nothing was changed.`,
        "same_severity",
      );
    }
    return {
      incident: {
        ...current,
        severity,
        timers: timersForSeverity(current, severity, ctx.settings, now),
        updatedAt: now.toISOString(),
      },
      events: [
        timelineEvent(
          "severity_changed",
          now,
          { from: severityLabel(current.severity), to: severityLabel(severity) },
          inbound.actor,
        ),
      ],
    };
  });
  const vars = incidentVars(ctx, updated);
  const labels = { from: severityLabel(before.severity), to: severityLabel(severity) };
  const base = `sev-g${updated.timers?.update?.gen ?? 0}`;
  await ctx.outbox.send(
    ...(await incidentNews(ctx, updated, newsKeys(updated, base), {
      post: ctx.render("severity-changed", {
        ...vars,
        ...labels,
        actor: inbound.actor,
        nextUpdateDue: updated.timers?.update?.dueAt,
        triggered: updated.state === "triggered",
      }),
      announcement: ctx.render("severity-changed-announcement", { ...vars, ...labels, actor: inbound.actor }),
    })),
  );
}
