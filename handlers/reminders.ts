import { nextEscalation } from "../src/core/incident/escalation.js";
import { policyOf } from "../src/core/incident/timers.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentInConversation } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { reply, zoneOf } from "./outbox-items.js";

/**
 * `/incident reminders`: what is scheduled for this incident and when, shown only to the person who asked,
 * in their time zone. The incident's timers say what should happen; the queue says whether the job is there
 * (a missing one is restored by the periodic reconciler, and the answer says so).
 */
export async function listReminders(ctx: HandlerContext, inbound: Inbound): Promise<void> {
  const incident = await incidentInConversation(ctx, inbound, "reminders");
  const pending = await ctx.jobs.pendingTimers(incident.id);
  const now = ctx.clock.now().getTime();
  const queued = (kind: string, gen: number) => pending.some((p) => p.kind === kind && p.gen === gen);
  const inMs = (at: string) => Math.max(0, Date.parse(at) - now);

  const esc = incident.timers?.escalation;
  const policy = policyOf(ctx.settings, incident);
  let escalation: Record<string, unknown> | undefined;
  if (esc?.dueAt && policy) {
    const next = nextEscalation(policy, esc);
    // Steps are counted within the policy they belong to (a backup policy's steps start again from 1), and the
    // first policy's repeats before a backup are repeats, though the escalation runs them as steps.
    const step = policy.steps[next.step];
    const repeat = next.kind === "repeat" ? { n: next.repeat, of: next.of } : step?.repeat;
    escalation = {
      at: esc.dueAt,
      in: inMs(esc.dueAt),
      step: (step?.index ?? next.step) + 1,
      steps: step?.count ?? policy.steps.length,
      ...(repeat && { repeat: repeat.n, of: repeat.of }),
      exhausts: next.kind === "exhausted",
      queued: queued("escalation", esc.gen),
    };
  }
  const up = incident.timers?.update;
  const update = up?.dueAt
    ? {
        at: up.dueAt,
        in: inMs(up.dueAt),
        misses: up.misses,
        snoozed: Boolean(up.snoozedUntil),
        queued: queued("update", up.gen),
      }
    : undefined;
  await reply(
    ctx,
    inbound,
    ctx.render("reminders", {
      ...incidentVars(ctx, incident),
      timezone: zoneOf(ctx, inbound),
      nothing: !escalation && !update,
      ...(escalation && { escalation }),
      ...(update && { update }),
    }),
  );
}
