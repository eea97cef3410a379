import { UsageError } from "../src/core/errors.js";
import { type Severity, severityLabel } from "../src/core/incident/incident.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import { timersForSeverity } from "../src/core/incident/timers.js";
import type { Inbound } from "../src/core/ports.js";
import { incidentInConversation, requireOngoing } from "./acknowledge.js";
import type { HandlerContext } from "./context.js";
import { incidentVars } from "./incident-vars.js";
import { announceItems, cardEdit, channelPost, incidentKey } from "./outbox-items.js";
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
  const incident = await incidentInConversation(ctx, inbound, "sev");
  requireOngoing(incident, "sev");
  if (incident.severity === severity) {
    throw new UsageError(
      `${incident.id} is already ${severityLabel(severity)}. Nothing was changed.`,
      "same_severity",
    );
  }
  const now = ctx.clock.now();
  let from: Severity = incident.severity;
  const { incident: updated, changed } = await updateIncident(ctx, incident.id, (current) => {
    from = current.severity;
    if (current.severity === severity) return null;
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
  if (!changed) return;
  const vars = incidentVars(ctx, updated);
  const cadence = ctx.settings.severities[severity];
  const labels = { from: severityLabel(from), to: severityLabel(severity) };
  const base = `sev-g${updated.timers?.update?.gen ?? 0}`;
  await ctx.outbox.send(
    ...channelPost(
      updated,
      incidentKey(updated, base),
      ctx.render("severity-changed", {
        ...vars,
        ...labels,
        actor: inbound.actor,
        updateEvery: cadence.updateEveryMs,
        ackWithin: cadence.ackWithinMs,
        nextUpdateDue: updated.timers?.update?.dueAt ?? now.toISOString(),
        timezone: ctx.settings.timezone,
        triggered: updated.state === "triggered",
      }),
    ),
    ...cardEdit(ctx, updated, incidentKey(updated, `${base}-card`)),
    ...(await announceItems(
      ctx,
      updated,
      incidentKey(updated, `${base}-announcement`),
      ctx.render("severity-changed-announcement", { ...vars, ...labels, actor: inbound.actor }),
    )),
  );
}
