import { NotFoundError } from "../src/core/errors.js";
import type { Incident } from "../src/core/incident/incident.js";
import type { TimelineEvent } from "../src/core/incident/timeline.js";
import { fireTimerChange, scheduledTimers } from "../src/core/incident/timers.js";
import type { IncidentChange, OutboxItem, TimerKind, TimerRef } from "../src/core/ports.js";
import { TIMER_KINDS } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentVars } from "./incident-vars.js";
import { inviteOnce } from "./invite.js";
import { announceItems, channelPost, directItem, incidentKey } from "./outbox-items.js";

/**
 * Timers: the escalation of an unacknowledged page and the status-update reminder. Their state lives on the
 * incident (see `TimerState`); the queue only holds one job per live generation. The rules:
 *
 * - a write that changes a timer bumps its generation; after the write the new generation is scheduled and
 *   the old job cancelled, best-effort (a job that escapes the cancel finds its generation gone and does
 *   nothing);
 * - a firing acts only inside the incident's own write (the fence in core/incident/timers.ts);
 * - a crash between the write and the effects is healed by running the job again: the write is then a no-op
 *   but `firedGen` says it happened, so the effects are redone from the timeline events it recorded, with the
 *   same outbox keys, which makes the redo send nothing twice;
 * - a crash between a write and `scheduleTimer` is healed by `reconcileTimers`, which the worker runs
 *   periodically.
 */

/** `store.update` that keeps the queue in step with the timers the write recorded. */
export async function updateIncident(
  ctx: HandlerContext,
  id: string,
  change: (current: Incident) => IncidentChange | null,
): Promise<{ incident: Incident; changed: boolean; before: Incident; events: TimelineEvent[] }> {
  let before: Incident | undefined;
  let events: TimelineEvent[] = [];
  const result = await ctx.store.update(id, (current) => {
    before = current;
    const r = change(current);
    events = r?.events ?? [];
    return r;
  });
  const prior = before ?? result.incident;
  if (result.changed) await syncTimerJobs(ctx, prior, result.incident);
  return { ...result, before: prior, events };
}

/**
 * Schedules every timer generation `after` recorded that `before` did not have, then cancels the generations
 * `before` had pending that are gone (best-effort; `except` is the job running now, which needs no cancel).
 */
export async function syncTimerJobs(
  ctx: HandlerContext,
  before: Incident,
  after: Incident,
  except?: TimerRef,
): Promise<void> {
  for (const kind of TIMER_KINDS) {
    const a = after.timers?.[kind];
    const b = before.timers?.[kind];
    if (a?.dueAt && (a.gen !== b?.gen || a.dueAt !== b?.dueAt)) {
      await ctx.jobs.scheduleTimer({ incidentId: after.id, kind, gen: a.gen, dueAt: a.dueAt });
    }
  }
  for (const kind of TIMER_KINDS) {
    const a = after.timers?.[kind];
    const b = before.timers?.[kind];
    if (!b?.dueAt || b.gen === a?.gen) continue;
    if (except && except.kind === kind && except.gen === b.gen) continue;
    await cancelQuietly(ctx, { incidentId: after.id, kind, gen: b.gen });
  }
}

async function cancelQuietly(ctx: HandlerContext, timer: Omit<TimerRef, "dueAt">): Promise<void> {
  try {
    await ctx.jobs.cancelTimer(timer);
  } catch (err) {
    // The job is fenced out by its generation anyway; a failed cancel only costs it a run that does nothing.
    ctx.logger.warn(
      { incident: timer.incidentId, kind: timer.kind, gen: timer.gen, err: String(err) },
      "could not cancel a timer job",
    );
  }
}

/** Runs one timer job (called by the worker when the job is due). */
export async function fireTimer(ctx: HandlerContext, timer: TimerRef): Promise<void> {
  const now = ctx.clock.now();
  let result: Awaited<ReturnType<typeof updateIncident>>;
  try {
    let before: Incident | undefined;
    let events: TimelineEvent[] = [];
    const r = await ctx.store.update(timer.incidentId, (current) => {
      before = current;
      const change = fireTimerChange(ctx.settings, current, timer, now);
      events = change?.events ?? [];
      return change;
    });
    result = { ...r, before: before ?? r.incident, events };
  } catch (err) {
    if (err instanceof NotFoundError) {
      ctx.logger.warn(
        { incident: timer.incidentId, kind: timer.kind },
        "timer for an unknown incident; nothing to do",
      );
      return;
    }
    throw err;
  }
  const { incident, changed } = result;
  let events = result.events;
  if (!changed) {
    if (incident.timers?.[timer.kind]?.firedGen !== timer.gen) {
      ctx.logger.debug(
        { incident: incident.id, kind: timer.kind, gen: timer.gen },
        "stale timer job; nothing to do",
      );
      return;
    }
    // A re-run after a crash between the write and its effects: redo them from what the write recorded.
    events = (await ctx.store.timeline(incident.id)).filter(
      (e) => e.data.timer === timer.kind && e.data.gen === String(timer.gen),
    );
    ctx.logger.info(
      { incident: incident.id, kind: timer.kind, gen: timer.gen },
      "timer re-run; redoing its effects",
    );
  }
  await timerEffects(ctx, incident, events);
  const next = incident.timers?.[timer.kind];
  if (next?.dueAt) await scheduleOne(ctx, incident.id, timer.kind, next);
  if (changed) await syncTimerJobs(ctx, result.before, incident, timer);
}

async function scheduleOne(
  ctx: HandlerContext,
  incidentId: string,
  kind: TimerKind,
  t: { gen: number; dueAt?: string },
): Promise<void> {
  if (t.dueAt) await ctx.jobs.scheduleTimer({ incidentId, kind, gen: t.gen, dueAt: t.dueAt });
}

/**
 * Schedules the job of every pending timer of every open incident. Idempotent (job ids come from incident,
 * kind and generation), so the worker runs it periodically: a crash between a store write and its
 * `scheduleTimer` loses nothing.
 */
export async function reconcileTimers(ctx: HandlerContext): Promise<void> {
  let scheduled = 0;
  for (const id of await ctx.store.listOpen()) {
    try {
      const incident = await ctx.store.get(id);
      if (!incident) continue;
      for (const ref of scheduledTimers(incident)) {
        await ctx.jobs.scheduleTimer(ref);
        scheduled++;
      }
    } catch (err) {
      ctx.logger.error({ incident: id, err: String(err) }, "could not reconcile an incident's timers");
    }
  }
  ctx.logger.debug({ scheduled }, "timers reconciled");
}

const num = (s: string | undefined): number => Number(s ?? "0") || 0;

/** The chat side of what one timer firing recorded: nudges, pages, DMs, invitations, the exhaustion notice. */
async function timerEffects(ctx: HandlerContext, incident: Incident, events: TimelineEvent[]): Promise<void> {
  const vars = incidentVars(ctx, incident);
  const items: OutboxItem[] = [];
  const invite: string[] = [];
  const escalating = events.some((e) => e.type === "escalated" || e.type === "page_repeated");
  let misses: number | undefined;
  for (const e of events) {
    const base = `${e.data.timer}-g${e.data.gen}`;
    switch (e.type) {
      case "update_overdue": {
        misses = num(e.data.misses);
        const every = ctx.settings.severities[incident.severity].updateEveryMs;
        const nextNudge = incident.timers?.update?.dueAt ?? new Date(Date.parse(e.at) + every).toISOString();
        items.push(
          ...channelPost(
            incident,
            incidentKey(incident, `${base}-nudge`),
            ctx.render("update-overdue", {
              ...vars,
              commander: e.data.commander || undefined,
              misses,
              lastUpdate: e.data.lastUpdate || undefined,
              nextNudge,
              updateEvery: every,
              timezone: ctx.settings.timezone,
              escalating,
            }),
          ),
        );
        if (e.data.dm === "yes" && e.data.commander) {
          items.push(
            directItem(
              incident,
              incidentKey(incident, `${base}-nudge-dm`),
              e.data.commander,
              ctx.render("update-overdue-dm", { ...vars, misses, updateEvery: every }),
            ),
          );
        }
        break;
      }
      case "escalated":
      case "page_repeated": {
        const targets = (e.data.targets ?? "").split(",").filter(Boolean);
        invite.push(...targets);
        const overdue = e.data.reason === "update_overdue";
        const step = {
          step: num(e.data.step) + 1,
          steps: num(e.data.steps),
          ...(e.type === "page_repeated" && { repeat: num(e.data.repeat), of: num(e.data.of) }),
        };
        const due = e.data.timer === "escalation" ? incident.timers?.escalation?.dueAt : undefined;
        items.push(
          ...channelPost(
            incident,
            incidentKey(incident, `${base}-page`),
            ctx.render("escalation-page", {
              ...vars,
              ...step,
              targets: targets.map((id) => ({ id })),
              skipped: e.data.skipped || undefined,
              overdue,
              misses,
              ...(due && { ackWithin: Math.max(0, Date.parse(due) - Date.parse(e.at)) }),
            }),
          ),
        );
        for (const target of targets) {
          items.push(
            directItem(
              incident,
              incidentKey(incident, `${base}-page-dm-${target}`),
              target,
              ctx.render("escalation-page-dm", { ...vars, ...step, overdue, misses }),
            ),
          );
        }
        break;
      }
      case "escalation_exhausted": {
        const message = ctx.render("escalation-exhausted", {
          ...vars,
          steps: num(e.data.steps),
          repeats: num(e.data.repeats),
        });
        items.push(...channelPost(incident, incidentKey(incident, `${base}-exhausted`), message));
        items.push(
          ...(await announceItems(
            ctx,
            incident,
            incidentKey(incident, `${base}-exhausted-announce`),
            message,
          )),
        );
        break;
      }
      default:
        break;
    }
  }
  if (incident.channel && invite.length > 0) {
    try {
      // The page matters more than the invitation, so a refusal does not stop it.
      await inviteOnce(ctx, incident, invite);
    } catch (err) {
      ctx.logger.warn({ incident: incident.id, err: String(err) }, "could not invite the people paged");
    }
  }
  if (items.length > 0) await ctx.outbox.send(...items);
}
