import { UsageError } from "../src/core/errors.js";
import { type Incident, incidentId, type Severity, severityLabel } from "../src/core/incident/incident.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import { initialTimers, scheduledTimers } from "../src/core/incident/timers.js";
import { escapeMarkup } from "../src/core/markup.js";
import { findCommander } from "../src/core/oncall/commander.js";
import { personByPlatformId } from "../src/core/oncall/people.js";
import type { Inbound } from "../src/core/ports.js";
import type { Settings } from "../src/core/settings.js";
import type { HandlerContext } from "./context.js";

/** Severity when the reporter names none: serious enough to page, not an all-hands emergency. */
export const DEFAULT_SEVERITY: Severity = "sev3";

export interface OpenRequest {
  title: string;
  severity?: Severity;
  service?: string;
  description?: string;
}

/** Checks an open request against the config without any I/O, so a mistake is answered in the ack. */
export function validateOpen(settings: Settings, request: OpenRequest): void {
  if (request.service && !settings.services.some((s) => s.id === request.service)) {
    const known = settings.services.map((s) => `\`service:${s.id}\``).join(", ");
    throw new UsageError(
      `Unknown service \`${escapeMarkup(request.service)}\`. ${known ? `Known services: ${known}.` : "No services are configured."} Leave it out if you are not sure; the incident still opens.`,
      "unknown_service",
    );
  }
}

/**
 * Opens an incident: allocates its number, decides who commands it, stores it with its first timeline event,
 * and hands the slow chat work (channel, invitations, kickoff, page, announcement) to the durable effects job.
 * The request was checked with `validateOpen` when it came in (the dispatcher answers a mistake in the ack).
 */
export async function openIncident(
  ctx: HandlerContext,
  inbound: Inbound,
  request: OpenRequest,
): Promise<Incident> {
  const now = ctx.clock.now();
  const severity = request.severity ?? DEFAULT_SEVERITY;
  const number = await ctx.store.nextNumber();
  const lookup = findCommander(ctx.settings, request.service, inbound.platform, now);
  const reporter = personByPlatformId(ctx.settings, inbound.platform, inbound.actor);
  const at = now.toISOString();
  const incident: Incident = {
    id: incidentId(number),
    number,
    title: request.title,
    description: request.description,
    kind: "incident",
    severity,
    service: request.service,
    state: "triggered",
    platform: inbound.platform,
    origin: { conversationId: inbound.conversationId, responseUrl: inbound.responseUrl },
    reporters: [{ platformUserId: inbound.actor, personId: reporter?.id }],
    // Reporters hear of every change until they unsubscribe: seed 000's reporter never heard it was fixed.
    subscribers: [inbound.actor],
    milestones: { triggered: now.toISOString() },
    commander: lookup.found ? lookup.commander : undefined,
    commanderMissingReason: lookup.found ? undefined : lookup.reason,
    // Escalation (when the policy has somewhere to escalate to) and the first status-update reminder.
    timers: initialTimers(ctx.settings, { severity, service: request.service }, now),
    createdAt: at,
    updatedAt: at,
  };
  const opened = timelineEvent(
    "incident_opened",
    now,
    {
      title: incident.title,
      severity: severityLabel(severity),
      service: incident.service ?? "",
      commander: incident.commander?.platformUserId ?? "",
      policy: lookup.policy?.id ?? "",
    },
    inbound.actor,
  );
  await ctx.store.create(incident, opened);
  ctx.logger.info(
    { incident: incident.id, severity: incident.severity, service: incident.service },
    "incident opened",
  );
  await ctx.jobs.enqueueOpenEffects(incident.id);
  try {
    for (const timer of scheduledTimers(incident)) await ctx.jobs.scheduleTimer(timer);
  } catch (err) {
    // The incident is open and its page on the way; the periodic reconciler schedules what is missing.
    ctx.logger.warn(
      { incident: incident.id, err: String(err) },
      "could not schedule the incident's timers yet",
    );
  }
  return incident;
}
