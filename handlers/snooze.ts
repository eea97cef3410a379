import { parseDuration } from "../src/core/duration.js";
import { UsageError } from "../src/core/errors.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import { snoozeUpdateTimer } from "../src/core/incident/timers.js";
import type { Inbound } from "../src/core/ports.js";
import { incidentFor, requireOngoing } from "./acknowledge.js";
import type { HandlerContext } from "./context.js";
import { incidentVars } from "./incident-vars.js";
import { reply, zoneOf } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

export const MIN_SNOOZE_MS = 60_000;
/** Longer than a day is not a snooze but a decision nobody should make by pressing a button at 3 a.m. */
export const MAX_SNOOZE_MS = 24 * 3600 * 1000;

/** A Snooze button's value: "<incident id> <duration>", e.g. "INC-4 30m". */
export function parseSnoozeValue(
  value: string | undefined,
): { incidentId: string; durationMs: number } | null {
  const [incidentId, duration, extra] = (value ?? "").trim().split(/\s+/);
  const durationMs = duration ? parseDuration(duration) : null;
  if (!incidentId || durationMs === null || extra !== undefined) return null;
  return { incidentId, durationMs };
}

/**
 * `/incident snooze <duration>` and the Snooze buttons: no update reminder before now + duration. Missed
 * updates are kept (a snooze postpones the reminder, it does not forgive the update).
 */
export async function snooze(
  ctx: HandlerContext,
  inbound: Inbound,
  durationMs: number,
  incidentId?: string,
): Promise<void> {
  if (!(durationMs >= MIN_SNOOZE_MS) || durationMs > MAX_SNOOZE_MS) {
    throw new UsageError(
      "Snooze for a while between 1m and 1d, for example `/incident snooze 30m`.",
      "bad_snooze",
    );
  }
  const incident = await incidentFor(ctx, inbound, "snooze", incidentId);
  requireOngoing(incident, "snooze");
  const now = ctx.clock.now();
  const until = new Date(now.getTime() + durationMs);
  const { incident: updated } = await updateIncident(ctx, incident.id, (current) => ({
    incident: {
      ...current,
      timers: { ...current.timers, update: snoozeUpdateTimer(current, until) },
      updatedAt: now.toISOString(),
    },
    events: [
      timelineEvent(
        "reminder_snoozed",
        now,
        { until: until.toISOString(), durationMs: String(durationMs) },
        inbound.actor,
      ),
    ],
  }));
  await reply(
    ctx,
    inbound,
    ctx.render("snoozed", {
      ...incidentVars(ctx, updated),
      actor: inbound.actor,
      duration: durationMs,
      until: until.toISOString(),
      timezone: zoneOf(ctx, inbound),
    }),
  );
}
