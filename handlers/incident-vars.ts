import { type Incident, severityLabel } from "../src/core/incident/incident.js";
import type { HandlerContext } from "./context.js";

/** The variables every incident template can use (see the registry in src/core/templates). */
export function incidentVars(ctx: HandlerContext, incident: Incident): Record<string, unknown> {
  const service = incident.service ? ctx.settings.services.find((s) => s.id === incident.service) : undefined;
  const policy = ctx.settings.severities[incident.severity];
  return {
    incident: {
      id: incident.id,
      title: incident.title,
      severity: severityLabel(incident.severity),
      state: incident.state,
      service: incident.service,
      serviceName: service?.name ?? incident.service,
      description: incident.description,
      createdAt: incident.createdAt,
    },
    severity: severityLabel(incident.severity),
    reporter: incident.reporters[0]?.platformUserId,
    commander: incident.commander?.platformUserId,
    commanderMissingReason: incident.commanderMissingReason,
    channel: incident.channel?.id,
    ackWithin: policy.ackWithinMs,
    updateEvery: policy.updateEveryMs,
    timezone: ctx.settings.timezone,
  };
}
