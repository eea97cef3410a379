import { UsageError } from "../src/core/errors.js";
import {
  type Incident,
  type IncidentKind,
  incidentId,
  type Severity,
  severityLabel,
} from "../src/core/incident/incident.js";
import { choiceData, chooseSeverity, type Level } from "../src/core/incident/severity-matrix.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import { initialTimers, scheduledTimers } from "../src/core/incident/timers.js";
import { escapeMarkup } from "../src/core/markup.js";
import { findCommander } from "../src/core/oncall/commander.js";
import { personByPlatformId } from "../src/core/oncall/people.js";
import type { Inbound } from "../src/core/ports.js";
import type { Settings } from "../src/core/settings.js";
import type { HandlerContext } from "./context.js";
import { loadBook } from "./oncall-state.js";
import { requestThread } from "./request-card.js";
import { recordRequest } from "./request-open.js";

/** Severity when the reporter names none: serious enough to page, not an all-hands emergency (medium × medium). */
export const DEFAULT_SEVERITY: Severity = "sev3";

export interface OpenRequest {
  title: string;
  /** Named explicitly (`sev2`, the form's override): wins over impact and urgency. */
  severity?: Severity;
  /** From the form: the severity follows from them (core/incident/severity-matrix.ts) unless one is named. */
  impact?: Level;
  urgency?: Level;
  service?: string;
  description?: string;
  /** Absent for an incident. */
  kind?: IncidentKind;
  /** Kept off the public status page (`visibility:private`, the form's Visibility). */
  private?: boolean;
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
 * A change or guidance request is stored the same way but opens no channel, pages nobody and starts no timers:
 * its card is posted where it was asked (request-open.ts). The request was checked with `validateOpen` when it
 * came in (the dispatcher answers a mistake in the ack).
 */
export async function openIncident(
  ctx: HandlerContext,
  inbound: Inbound,
  request: OpenRequest,
): Promise<Incident> {
  const now = ctx.clock.now();
  const kind = request.kind ?? "incident";
  const choice = chooseSeverity(request, DEFAULT_SEVERITY);
  const severity = choice.severity;
  const number = await ctx.store.nextNumber();
  const reporter = personByPlatformId(ctx.settings, inbound.platform, inbound.actor);
  const at = now.toISOString();
  // What an incident and a change or guidance request share.
  const common: Incident = {
    id: incidentId(number),
    number,
    title: request.title,
    description: request.description,
    kind,
    severity,
    service: request.service,
    state: "triggered",
    platform: inbound.platform,
    origin: { conversationId: inbound.conversationId, responseUrl: inbound.responseUrl },
    reporters: [{ platformUserId: inbound.actor, personId: reporter?.id }],
    // Reporters hear of every change until they unsubscribe: seed 000's reporter never heard it was fixed.
    subscribers: [inbound.actor],
    milestones: { triggered: now.toISOString() },
    ...(request.private && { private: true }),
    createdAt: at,
    updatedAt: at,
  };
  const openedData = {
    title: common.title,
    severity: severityLabel(severity),
    ...choiceData(choice),
    service: common.service ?? "",
    ...(request.private && { visibility: "private" }),
  };
  if (kind !== "incident") {
    const requested: Incident = { ...common, thread: requestThread(common) };
    const opened = timelineEvent("incident_opened", now, { ...openedData, kind }, inbound.actor);
    await recordRequest(ctx, requested, opened);
    return requested;
  }
  const book = await loadBook(ctx, now);
  const lookup = findCommander(ctx.settings, request.service, inbound.platform, now, book);
  const incident: Incident = {
    ...common,
    commander: lookup.found ? lookup.commander : undefined,
    commanderMissingReason: lookup.found ? undefined : lookup.reason,
    // Escalation (when the policy has somewhere to escalate to) and the first status-update reminder.
    timers: initialTimers(ctx.settings, { severity, service: request.service }, now, {
      reachedNobody: !lookup.found,
    }),
  };
  const opened = timelineEvent(
    "incident_opened",
    now,
    {
      ...openedData,
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
