import { DEFAULT_INVOCATION } from "../src/core/commands/help.js";
import { formatDuration, parseDuration } from "../src/core/duration.js";
import { UsageError } from "../src/core/errors.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import { snoozeUpdateTimer } from "../src/core/incident/timers.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentIdFor, requireOngoing, requireOwnPlatform } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { reply, zoneOf } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

const MIN_SNOOZE_MS = 60_000;
/** Longer than a day is not a snooze but a decision nobody should make by pressing a button at 3 a.m. */
const MAX_SNOOZE_MS = 24 * 3600 * 1000;

/** A Snooze button's value: "<incident id> <duration>", e.g. "INC-4 30m". */
export function parseSnoozeValue(
  value: string | undefined,
): { incidentId: string; durationMs: number } | null {
  const [incidentId, duration, extra] = (value ?? "").trim().split(/\s+/);
  const durationMs = duration ? parseDuration(duration) : null;
  if (!incidentId || durationMs === null || extra !== undefined) return null;
  return { incidentId, durationMs };
}

/** Checks a snooze's length without any I/O, so a mistake is answered in the ack. */
export function validateSnooze(durationMs: number): void {
  if (!(durationMs >= MIN_SNOOZE_MS) || durationMs > MAX_SNOOZE_MS) {
    throw new UsageError(
      `Snooze for a while between ${formatDuration(MIN_SNOOZE_MS)} and ${formatDuration(MAX_SNOOZE_MS)}, for example \`${DEFAULT_INVOCATION} snooze 30m\`.`,
      "bad_snooze",
    );
  }
}

/**
 * `/incident snooze <duration>` and the Snooze buttons: no update reminder before now + duration. Missed
 * updates are kept (a snooze postpones the reminder, it does not forgive the update). The length was checked
 * when the request came in (`validateSnooze`).
 */
export async function snooze(
  ctx: HandlerContext,
  inbound: Inbound,
  durationMs: number,
  incidentId?: string,
): Promise<void> {
  const id = await incidentIdFor(ctx, inbound, "snooze", incidentId);
  const now = ctx.clock.now();
  const until = new Date(now.getTime() + durationMs);
  const { incident: updated } = await updateIncident(ctx, id, (current) => {
    requireOwnPlatform(current, inbound);
    requireOngoing(current, "snooze");
    return {
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
    };
  });
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
