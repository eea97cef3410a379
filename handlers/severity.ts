import { UsageError } from "../src/core/errors.js";
import { type Incident, type Severity, severityLabel } from "../src/core/incident/incident.js";
import { type TimelineEvent, timelineEvent } from "../src/core/incident/timeline.js";
import { pagedTargets, timersForSeverity } from "../src/core/incident/timers.js";
import { coverageVars } from "../src/core/oncall/catalog.js";
import { policyForService, resolveStep } from "../src/core/oncall/commander.js";
import type { OverrideBook } from "../src/core/oncall/override-index.js";
import type { Inbound, OutboxItem } from "../src/core/ports.js";
import type { Settings } from "../src/core/settings.js";
import type { HandlerContext } from "./context.js";
import { incidentIdInConversation, requireOngoing } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { inviteQuietly } from "./invite.js";
import { loadBook } from "./oncall-state.js";
import { channelPost, directItem, incidentKey, incidentNews, newsKeys } from "./outbox-items.js";
import { requireAllowed } from "./permission.js";
import { updateIncident } from "./timers.js";

/** Why an `escalated` event was recorded by a severity change (acknowledge.ts counts its targets as paged). */
export const SEVERITY_RAISED = "severity_raised";

/**
 * `/incident sev <1-4>`: a new severity brings a new cadence. The update reminder is rescheduled from the last
 * update (or from now) on the new `update_every`; while nobody has acknowledged, the next escalation is
 * rescheduled from now on the new `ack_within`. Told in the channel, on the card, in the announcement channel
 * and to the subscribers. Only the commander, the communications lead, a manager or an admin may change it.
 *
 * Raising to SEV1 also pages, per policy: the people the first step of the incident's escalation policy reaches
 * now are paged in the channel and by DM, and invited. It is recorded, in the same write, as an `escalated`
 * event naming them, so that they may acknowledge.
 */
export async function changeSeverity(
  ctx: HandlerContext,
  inbound: Inbound,
  severity: Severity,
): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "sev");
  const now = ctx.clock.now();
  // Read before the write, whose change must stay pure: a SEV1 page reaches whoever is on duty, overrides applied.
  const book = await loadBook(ctx, now);
  const {
    incident: updated,
    before,
    events,
  } = await updateIncident(ctx, id, (current) => {
    requireOngoing(current, "sev");
    requireAllowed(ctx, current, inbound.actor, "sev");
    if (current.severity === severity) {
      throw new UsageError(
        `${current.id} is already ${severityLabel(severity)}. Nothing was changed.`,
        "same_severity",
      );
    }
    const labels = { from: severityLabel(current.severity), to: severityLabel(severity) };
    const recorded = [timelineEvent("severity_changed", now, labels, inbound.actor)];
    const page = severity === "sev1" ? raisePage(ctx.settings, current, inbound.actor, now, book) : null;
    if (page) recorded.push(timelineEvent("escalated", now, { ...page, ...labels }, inbound.actor));
    return {
      incident: {
        ...current,
        severity,
        timers: timersForSeverity(current, severity, ctx.settings, now),
        updatedAt: now.toISOString(),
      },
      events: recorded,
    };
  });
  const vars = incidentVars(ctx, updated);
  const labels = { from: severityLabel(before.severity), to: severityLabel(severity) };
  const base = `sev-g${updated.timers?.update?.gen ?? 0}`;
  const post = ctx.render("severity-changed", {
    ...vars,
    ...labels,
    actor: inbound.actor,
    nextUpdateDue: updated.timers?.update?.dueAt,
    triggered: updated.state === "triggered",
  });
  const news = await incidentNews(ctx, updated, newsKeys(updated, base), {
    post,
    announcement: ctx.render("severity-changed-announcement", { ...vars, ...labels, actor: inbound.actor }),
    notify: { actor: inbound.actor },
  });
  const paged = events.find((e) => e.type === "escalated" && e.data.reason === SEVERITY_RAISED);
  // The page matters more than the invitation, so a refusal does not stop it.
  await inviteQuietly(ctx, updated, paged ? pagedTargets(paged) : [], "the people paged");
  await ctx.outbox.send(...news, ...(paged ? pageItems(ctx, updated, paged, base, inbound.actor) : []));
}

/**
 * Who raising to SEV1 pages: the people the first step of the policy reaches now, but not whoever raised it
 * (they know). Null when there is nobody to page and nothing to say about it.
 */
function raisePage(
  settings: Settings,
  incident: Incident,
  actor: string,
  now: Date,
  book: OverrideBook,
): Record<string, string> | null {
  const { policy } = policyForService(settings, incident.service);
  if (!policy) return null;
  const { people, skipped } = resolveStep(settings, policy.steps[0], incident.platform, now, book);
  const targets = people.map((p) => p.platformUserId).filter((u) => u !== actor);
  if (targets.length === 0 && skipped.length === 0) return null;
  return {
    reason: SEVERITY_RAISED,
    policy: policy.primary,
    step: "0",
    steps: String(policy.steps.length),
    targets: targets.join(","),
    skipped: skipped.join("; "),
  };
}

/** The SEV1 page: in the channel (a mention each) and by DM, with the Acknowledge button while still triggered. */
function pageItems(
  ctx: HandlerContext,
  incident: Incident,
  paged: TimelineEvent,
  base: string,
  actor: string,
): OutboxItem[] {
  const vars = {
    ...incidentVars(ctx, incident),
    // The page says so when the fallback policy pages, not the service's own (as the page at open does).
    ...coverageVars(ctx.settings, incident.service),
    from: paged.data.from,
    actor,
    triggered: incident.state === "triggered",
  };
  const targets = pagedTargets(paged);
  return [
    ...channelPost(
      incident,
      incidentKey(incident, `${base}-page`),
      ctx.render("severity-page", {
        ...vars,
        targets: targets.map((id) => ({ id })),
        skipped: paged.data.skipped || undefined,
      }),
    ),
    ...targets.map((target) =>
      directItem(
        incident,
        incidentKey(incident, `${base}-page-dm-${target}`),
        target,
        ctx.render("severity-page-dm", vars),
      ),
    ),
  ];
}
