import { NotFoundError, NotReadyError } from "../src/core/errors.js";
import type { Incident } from "../src/core/incident/incident.js";
import type { TimelineEvent } from "../src/core/incident/timeline.js";
import {
  exhaustedAfter,
  fireTimerChange,
  overdueMisses,
  pagedPolicy,
  pagedSomeoneOn,
  pagedTargets,
  pageStep,
  recordedBy,
  scheduledTimers,
} from "../src/core/incident/timers.js";
import { coverageVars } from "../src/core/oncall/catalog.js";
import { NO_OVERRIDES } from "../src/core/oncall/override-index.js";
import type { IncidentChange, OutboxItem, TimerRef } from "../src/core/ports.js";
import { TIMER_KINDS } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentVars } from "./incident-vars.js";
import { inviteQuietly } from "./invite.js";
import { loadBook } from "./oncall-state.js";
import { announceItems, channelPost, directItem, incidentKey } from "./outbox-items.js";
import { PLAIN_TIMER_EFFECTS } from "./timer-effects.js";

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

export interface IncidentWrite {
  /** The incident as written (or as it is, when the change was null). */
  incident: Incident;
  changed: boolean;
  /** The incident the change ran on: as it was just before the write. */
  before: Incident;
  /** The timeline events the write recorded. */
  events: TimelineEvent[];
}

/**
 * `store.update` that also says what the incident was before the write and which events it recorded. A
 * `UsageError` thrown by `change` (a check on the incident as it is now) propagates and writes nothing.
 */
async function writeIncident(
  ctx: HandlerContext,
  id: string,
  change: (current: Incident) => IncidentChange | null,
): Promise<IncidentWrite> {
  let before: Incident | undefined;
  let events: TimelineEvent[] = [];
  const result = await ctx.store.update(id, (current) => {
    before = current;
    const r = change(current);
    events = r?.events ?? [];
    return r;
  });
  return { ...result, before: before ?? result.incident, events };
}

/** `writeIncident` that keeps the queue in step with the timers the write recorded. */
export async function updateIncident(
  ctx: HandlerContext,
  id: string,
  change: (current: Incident) => IncidentChange | null,
): Promise<IncidentWrite> {
  const result = await writeIncident(ctx, id, change);
  if (result.changed) await syncTimerJobs(ctx, result.before, result.incident);
  return result;
}

/**
 * Schedules every timer generation `after` recorded that `before` did not have, then cancels the generations
 * `before` had pending that are gone (best-effort; `except` is the job running now, which needs no cancel).
 */
async function syncTimerJobs(
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

/**
 * How long an escalation that fell due before the incident's channel exists waits for it: since an opening
 * that paged nobody escalates at once, its first page can come while the channel is still being created, and a
 * page posted to no channel would be lost. After this, it fires anyway (the DMs still go).
 */
const CHANNEL_WAIT_MS = 2 * 60_000;
const CHANNEL_RETRY_MS = 1_000;

/** Runs one timer job (called by the worker when the job is due). */
export async function fireTimer(ctx: HandlerContext, timer: TimerRef): Promise<void> {
  const now = ctx.clock.now();
  if (timer.kind === "escalation") {
    const current = await ctx.store.get(timer.incidentId);
    const young = current && now.getTime() - Date.parse(current.createdAt) < CHANNEL_WAIT_MS;
    if (current && !current.channel && current.kind === "incident" && young) {
      throw new NotReadyError(`${current.id} has no channel yet`, CHANNEL_RETRY_MS);
    }
  }
  // Pages reach whoever is on duty now, overrides applied; they are read before the write, which stays pure.
  const pages = timer.kind === "escalation" || timer.kind === "update";
  const book = pages ? await loadBook(ctx, now) : NO_OVERRIDES;
  let result: IncidentWrite;
  try {
    result = await writeIncident(ctx, timer.incidentId, (current) =>
      fireTimerChange(ctx.settings, current, timer, now, book),
    );
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
    events = (await ctx.store.timeline(incident.id)).filter((e) => recordedBy(e, timer));
    ctx.logger.info(
      { incident: incident.id, kind: timer.kind, gen: timer.gen },
      "timer re-run; redoing its effects",
    );
  }
  if (timer.kind === "escalation" || timer.kind === "update") await timerEffects(ctx, incident, events);
  else await PLAIN_TIMER_EFFECTS[timer.kind](ctx, incident, events);
  if (changed) {
    // Schedules the next generation this write recorded and cancels what it replaced.
    await syncTimerJobs(ctx, result.before, incident, timer);
    return;
  }
  // The re-run: the crash may also have come before the next generation was scheduled (idempotent).
  const next = incident.timers?.[timer.kind];
  if (next?.dueAt) {
    await ctx.jobs.scheduleTimer({
      incidentId: incident.id,
      kind: timer.kind,
      gen: next.gen,
      dueAt: next.dueAt,
    });
  }
}

/**
 * Schedules the job of every pending timer of every open incident. Idempotent (job ids come from incident,
 * kind and generation), so the worker runs it periodically: a crash between a store write and its
 * `scheduleTimer` loses nothing.
 */
export async function reconcileTimers(ctx: HandlerContext): Promise<void> {
  let scheduled = 0;
  // Open incidents (as before) and every incident with a timer due: a post-mortem's reminders run on closed ones.
  const ids = new Set([...(await ctx.store.listOpen()), ...(await ctx.store.listTimed())]);
  for (const id of ids) {
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

/** The chat side of what one timer firing recorded: nudges, pages, DMs, invitations, the exhaustion notice. */
async function timerEffects(ctx: HandlerContext, incident: Incident, events: TimelineEvent[]): Promise<void> {
  const vars = { ...incidentVars(ctx, incident), ...coverageVars(ctx.settings, incident.service) };
  const items: OutboxItem[] = [];
  const invite: string[] = [];
  const escalating = events.some((e) => e.type === "escalated" || e.type === "page_repeated");
  let misses: number | undefined;
  let timeline: TimelineEvent[] | undefined;
  for (const e of events) {
    const base = `${e.data.timer}-g${e.data.gen}`;
    switch (e.type) {
      case "update_overdue": {
        misses = overdueMisses(e);
        // The timer may have moved on since (a re-run after an update or a resolve): one cadence after this nudge.
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
              ctx.render("update-overdue-dm", { ...vars, misses }),
            ),
          );
        }
        break;
      }
      case "escalated":
      case "page_repeated": {
        const targets = pagedTargets(e);
        invite.push(...targets);
        const overdue = e.data.reason === "update_overdue";
        const at = pageStep(e);
        const step = { ...at, step: at.step + 1 }; // people count steps from 1
        const due = e.data.timer === "escalation" ? incident.timers?.escalation?.dueAt : undefined;
        const { policy, backupOf } = pagedPolicy(e);
        // The backup's page says whether anyone on the first policy was paged at all, or nobody could be.
        timeline ??= backupOf ? await ctx.store.timeline(incident.id) : undefined;
        const backup =
          policy && backupOf
            ? {
                policy,
                primary: backupOf,
                ...(timeline && !pagedSomeoneOn(timeline, backupOf, e) && { nobodyPaged: true }),
              }
            : undefined;
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
              backup,
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
              ctx.render("escalation-page-dm", { ...vars, ...step, overdue, misses, backup }),
            ),
          );
        }
        break;
      }
      case "escalation_exhausted": {
        const message = ctx.render("escalation-exhausted", { ...vars, ...exhaustedAfter(e) });
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
  // The page matters more than the invitation, so a refusal does not stop it.
  await inviteQuietly(ctx, incident, invite, "the people paged");
  if (items.length > 0) await ctx.outbox.send(...items);
}
