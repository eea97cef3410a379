/**
 * `/incident oncall plan <rotation> <weeks>`: a fair draft of the next shifts of the rotation's FIRST layer (the
 * one with the highest precedence), posted where it was typed as a table with "Apply" and "Discard".
 *
 * The draft is stored for 24 hours. Exactly one click wins it (the store's take is atomic); a later click is
 * told what became of it and by whom, from a small record of the outcome kept beside it. Applying writes, in
 * one atomic change, an override of kind "plan" for each shift that changes hands, and is refused, changing
 * nothing, when an override was made over one of the plan's shifts after it was drafted: the plan no longer
 * describes the schedule, so the clicker is asked to plan again. An apply that fails for any other reason puts
 * the draft back (it stays open for the rest of its 24 hours) and the error reaches the clicker as any error does.
 */
import type { CommandOf } from "../src/core/commands/schema.js";
import { UsageError } from "../src/core/errors.js";
import type { Message } from "../src/core/message.js";
import { ASKED_WINDOW_MS } from "../src/core/oncall/asked.js";
import { dutyBetween } from "../src/core/oncall/duty.js";
import { indexOverrides } from "../src/core/oncall/override-index.js";
import { chooseRotation, NOTHING_CHANGED } from "../src/core/oncall/overrides.js";
import { PAST_LOAD_WEEKS, planFrame } from "../src/core/oncall/plan-slots.js";
import { draftPlan, type Plan, type PlannedSlot } from "../src/core/oncall/planner.js";
import type { Layer, OncallRotation, Override } from "../src/core/oncall/types.js";
import type { Platform } from "../src/core/platform.js";
import type { Inbound } from "../src/core/ports.js";
import type { PlanOutcomeVars, PlanRowVars } from "../src/core/templates/registry-oncall-plan.js";
import type { HandlerContext } from "./context.js";
import { changeId, requireAllowed, tellMovedPeople, writeOverrides } from "./oncall-changes-shared.js";
import { type Told, toldVars } from "./oncall-moves.js";
import { personVars } from "./oncall-people.js";
import { actorLabel, findRotation, loadOverrides } from "./oncall-state.js";
import { reply, zoneOf } from "./outbox-items.js";
import type { ActionRoute } from "./routes.js";

const WEEK_MS = 7 * 86_400_000;
/** How long a draft waits for Apply or Discard. */
const DRAFT_TTL_MS = 24 * 3_600_000;
/** How long a later click can still be told what became of a plan. */
const OUTCOME_TTL_MS = 7 * 24 * 3_600_000;
/** Rows per block of the table, and blocks: a section holds 3,000 characters, a row about 90. */
const ROWS_PER_BLOCK = 24;
const ROW_BLOCKS = 3;

/** A drafted plan as stored until someone applies or discards it. */
interface StoredPlan {
  id: string;
  rotation: string;
  weeks: number;
  platform: Platform;
  /** Where the plan was posted, and the outbox key of that post (which edits name). */
  channelId: string;
  postKey: string;
  /** Person id (or `<platform>:<user>`) of who asked, and their zone (the table's times). */
  by: string;
  timezone: string;
  at: string;
  plan: Plan;
}

type OutcomeKind = "applied" | "discarded" | "stale";
interface Outcome {
  kind: OutcomeKind;
  by: string;
  at: string;
}

const outcomeId = (planId: string) => `${planId}.outcome`;
const overrideId = (planId: string, slot: PlannedSlot, piece: number) =>
  `plan-${planId}-${slot.index}${piece ? `.${piece + 1}` : ""}`;

/** The slots a plan changes: filled, not fixed, and given to someone other than who is on now. */
const changing = (plan: Plan): PlannedSlot[] =>
  plan.slots.filter((s) => !s.fixed && s.personId !== null && s.personId !== s.current);

export async function planCommand(
  ctx: HandlerContext,
  inbound: Inbound,
  command: CommandOf<"oncall_plan">,
): Promise<void> {
  const rotation = chooseRotation(ctx.settings, command.rotation, [], `oncall plan ${command.rotation}`);
  const layer = rotation.layers[0] as Layer;
  const members = [...new Set(layer.members)];
  if (members.length < 2) {
    throw new UsageError(
      `The planner plans the first layer of ${rotation.id} ("${layer.name}"), and it has one member (${members.join("")}): there is nothing to plan. ${NOTHING_CHANGED}`,
      "nothing_to_plan",
    );
  }
  const now = ctx.clock.now();
  const overrides = await loadOverrides(
    ctx,
    rotation.id,
    new Date(now.getTime() - PAST_LOAD_WEEKS * WEEK_MS),
  );
  const frame = planFrame(rotation, overrides, now, command.weeks);
  if (frame.slots.length === 0) {
    throw new UsageError(
      `No shift of ${rotation.id}'s first layer ("${layer.name}") starts in the next ${command.weeks} week(s): ask for more weeks. ${NOTHING_CHANGED}`,
      "nothing_to_plan",
    );
  }
  const [away, asked] = await Promise.all([
    ctx.oncall.away(now),
    ctx.oncall.askedSince(new Date(now.getTime() - ASKED_WINDOW_MS)),
  ]);
  const plan = draftPlan({
    slots: frame.slots,
    members,
    absences: away.map((a) => ({ personId: a.personId, from: Date.parse(a.from), to: Date.parse(a.to) })),
    pastLoad: frame.pastLoad,
    asked,
    lastShiftEnd: frame.lastShiftEnd,
    previous: frame.previous,
  });

  const id = changeId(inbound);
  const stored: StoredPlan = {
    id,
    rotation: rotation.id,
    weeks: command.weeks,
    platform: inbound.platform,
    channelId: inbound.conversationId,
    postKey: `oncall/${rotation.id}/plan-${id}`,
    by: actorLabel(ctx, inbound),
    timezone: zoneOf(ctx, inbound),
    at: now.toISOString(),
    plan,
  };
  await ctx.oncall.putDraft("plan", id, JSON.stringify(stored), DRAFT_TTL_MS);
  await ctx.outbox.send({
    key: stored.postKey,
    platform: inbound.platform,
    op: {
      kind: "post",
      channelId: stored.channelId,
      message: planMessage(ctx, rotation, stored),
    },
  });
}

/** The plan's table; with `outcome`, as edited once it was applied or discarded. */
function planMessage(
  ctx: HandlerContext,
  rotation: OncallRotation,
  stored: StoredPlan,
  outcome?: PlanOutcomeVars,
): Message {
  const person = (id: string) => personVars(ctx, stored.platform, id);
  const rows = stored.plan.slots.map((slot): PlanRowVars => {
    const row: PlanRowVars = { from: new Date(slot.from).toISOString(), to: new Date(slot.to).toISOString() };
    if (slot.personId === null) return { ...row, unfilled: true };
    return {
      ...row,
      who: person(slot.personId),
      ...(slot.fixed && { fixed: true }),
      ...(slot.current !== slot.personId && slot.current !== null && { was: person(slot.current) }),
    };
  });
  const part = (k: number) => rows.slice(k * ROWS_PER_BLOCK, (k + 1) * ROWS_PER_BLOCK);
  const shown = ROWS_PER_BLOCK * ROW_BLOCKS;
  const { plan } = stored;
  return ctx.render("oncall-plan", {
    planId: stored.id,
    rotation: rotation.name ?? rotation.id,
    layer: (rotation.layers[0] as Layer).name,
    weeks: stored.weeks,
    timezone: stored.timezone,
    by: personVars(ctx, stored.platform, stored.by),
    rows: part(0),
    ...(rows.length > ROWS_PER_BLOCK && { rows2: part(1) }),
    ...(rows.length > 2 * ROWS_PER_BLOCK && { rows3: part(2) }),
    ...(rows.length > shown && { more: rows.length - shown }),
    counts: plan.counts.map((c) => ({
      person: person(c.personId),
      past: c.past,
      planned: c.planned,
      total: c.total,
    })),
    spread: plan.spread,
    plannedSpread: plan.plannedSpread,
    backToBack: plan.backToBack,
    unfilled: plan.unfilled,
    changes: changing(plan).length,
    ...(outcome && { outcome }),
  });
}

function outcomeVars(ctx: HandlerContext, platform: Platform, outcome: Outcome | null): PlanOutcomeVars {
  if (!outcome) return { expired: true };
  return { [outcome.kind]: true, by: personVars(ctx, platform, outcome.by) };
}

/**
 * What a click on Apply or Discard shares: the plan, if it is still open and the clicker may act on it; null
 * after telling the clicker what became of it (applied, discarded, out of date or expired).
 */
async function takePlan(
  ctx: HandlerContext,
  inbound: Inbound,
  planId: string | undefined,
  doing: "apply" | "discard",
): Promise<{ stored: StoredPlan; rotation: OncallRotation; by: string } | null> {
  if (!planId) return null;
  const gone = async (stored: StoredPlan | null) => {
    const outcome = await readOutcome(ctx, planId, stored !== null);
    const rotation = stored ? findRotation(ctx.settings, stored.rotation) : undefined;
    await reply(
      ctx,
      inbound,
      ctx.render("oncall-plan-gone", {
        ...(rotation && { rotation: rotation.id }),
        outcome: outcomeVars(ctx, inbound.platform, outcome),
      }),
    );
    return null;
  };
  const peeked = await ctx.oncall.peekDraft("plan", planId);
  if (peeked === null) return gone(null);
  const stored = JSON.parse(peeked) as StoredPlan;
  const rotation = findRotation(ctx.settings, stored.rotation);
  if (!rotation) return gone(null);
  const by = requireAllowed(ctx, inbound, rotation, `${doing} this plan`);
  // Exactly one click gets it; a click that loses the race is told what the winner did.
  if ((await ctx.oncall.takeDraft("plan", planId)) === null) return gone(stored);
  // A discard is done once taken: recorded at once, so a click that lost the race can say who won. An apply
  // is recorded only once its overrides are written (see applyPlanClick).
  if (doing === "discard") {
    await noteOutcome(ctx, planId, { kind: "discarded", by, at: ctx.clock.now().toISOString() });
  }
  return { stored, rotation, by };
}

/**
 * Puts a plan whose apply failed for a reason other than a refusal (Redis unavailable, a conflicting write)
 * back, with the time it had left, and clears any outcome beside it: the plan is open again, and nothing
 * should say it was applied. An expired one stays gone.
 */
async function reopenPlan(ctx: HandlerContext, stored: StoredPlan): Promise<void> {
  const left = Date.parse(stored.at) + DRAFT_TTL_MS - ctx.clock.now().getTime();
  await ctx.oncall.takeDraft("plan", outcomeId(stored.id));
  if (left > 0) await ctx.oncall.putDraft("plan", stored.id, JSON.stringify(stored), Math.ceil(left));
}

async function noteOutcome(ctx: HandlerContext, planId: string, outcome: Outcome): Promise<void> {
  await ctx.oncall.putDraft("plan", outcomeId(planId), JSON.stringify(outcome), OUTCOME_TTL_MS);
}

/**
 * What became of a plan. A click that just lost the race (`raced`) may ask in the instant between the winner's
 * take and its record, so it looks again a few times before concluding the plan expired.
 */
async function readOutcome(ctx: HandlerContext, planId: string, raced: boolean): Promise<Outcome | null> {
  for (let attempt = 0; ; attempt++) {
    const raw = await ctx.oncall.peekDraft("plan", outcomeId(planId));
    if (raw) return JSON.parse(raw) as Outcome;
    if (!raced || attempt >= 10) return null;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Edits the plan's post to say what became of it (its buttons go with the edit). */
async function editPost(
  ctx: HandlerContext,
  stored: StoredPlan,
  rotation: OncallRotation,
  outcome: Outcome,
): Promise<void> {
  await ctx.outbox.send({
    key: `${stored.postKey}-${outcome.kind}`,
    platform: stored.platform,
    op: {
      kind: "update",
      channelId: stored.channelId,
      ref: stored.postKey,
      message: planMessage(ctx, rotation, stored, outcomeVars(ctx, stored.platform, outcome)),
    },
  });
}

/**
 * The overrides that put `slot`'s planned person on: from the later of its start and `now` (a shift that began
 * since the draft is taken over from now) to its end, and only inside the first layer's restriction windows,
 * so a business-hours layer's plan does not take the nights from the layers below.
 */
function slotOverrides(
  rotation: OncallRotation,
  stored: StoredPlan,
  slot: PlannedSlot,
  by: string,
  now: Date,
): Override[] {
  const from = new Date(Math.max(slot.from, now.getTime()));
  const to = new Date(slot.to);
  if (to <= from) return [];
  const firstLayerOnly: OncallRotation = { ...rotation, layers: [rotation.layers[0] as Layer] };
  const windows = dutyBetween(firstLayerOnly, indexOverrides([]), from, to).filter(
    (s) => s.personId !== null,
  );
  return windows.map((w, piece) => ({
    id: overrideId(stored.id, slot, piece),
    rotation: rotation.id,
    personId: slot.personId as string,
    from: w.from.toISOString(),
    to: w.to.toISOString(),
    kind: "plan",
    ...(slot.current !== null && { replaces: slot.current }),
    by,
    at: now.toISOString(),
  }));
}

/** "Apply": writes the plan's overrides in one change, tells the people whose shifts moved, edits the post. */
export const applyPlanClick: ActionRoute = async (ctx, inbound, value) => {
  const taken = await takePlan(ctx, inbound, value, "apply");
  if (!taken) return;
  const { stored, rotation, by } = taken;
  const now = ctx.clock.now();
  const open = stored.plan.slots.filter((s) => !s.fixed && s.to > now.getTime());
  const slots = changing(stored.plan).filter((s) => s.to > now.getTime());
  const add = slots.flatMap((s) => slotOverrides(rotation, stored, s, by, now));

  let versions: Awaited<ReturnType<typeof writeOverrides>>;
  try {
    versions = await writeOverrides(ctx, rotation, now, (current) => {
      const clash = current.find((o) =>
        open.some((s) => Date.parse(o.from) < s.to && Date.parse(o.to) > Math.max(s.from, now.getTime())),
      );
      if (clash) {
        throw new UsageError(
          `The schedule of ${rotation.id} changed after this plan was drafted (an override now covers one of its shifts), so it was not applied. ${NOTHING_CHANGED} Plan again with \`/incident oncall plan ${rotation.id} ${stored.weeks}\`.`,
          "plan_out_of_date",
        );
      }
      return add.length ? { add } : null;
    });
  } catch (err) {
    if (err instanceof UsageError) {
      const stale: Outcome = { kind: "stale", by, at: now.toISOString() };
      await noteOutcome(ctx, stored.id, stale);
      await editPost(ctx, stored, rotation, stale);
    } else {
      await reopenPlan(ctx, stored);
    }
    throw err;
  }
  // Only now is it applied: the overrides are written.
  const applied: Outcome = { kind: "applied", by, at: now.toISOString() };
  await noteOutcome(ctx, stored.id, applied);
  await editPost(ctx, stored, rotation, applied);
  const first = slots[0];
  const last = slots[slots.length - 1];
  let told: Told = { told: [], unreachable: [] };
  if (first && last) {
    const window = { from: new Date(Math.max(first.from, now.getTime())), to: new Date(last.to) };
    told = await tellMovedPeople(ctx, rotation, versions, window, { kind: "plan", by }, stored.postKey);
    // The people the plan gave shifts to were asked for something: the shared record spreads later asks.
    const given = [...new Set(slots.map((s) => s.personId as string))];
    if (given.length) await ctx.oncall.recordAsked(given, now);
  }
  await reply(
    ctx,
    inbound,
    ctx.render("oncall-plan-applied", {
      rotation: rotation.name ?? rotation.id,
      changes: slots.length,
      overrides: add.length,
      told: toldVars(ctx, inbound.platform, told),
    }),
  );
};

/** "Discard": the draft is dropped and its post says who discarded it. */
export const discardPlanClick: ActionRoute = async (ctx, inbound, value) => {
  const taken = await takePlan(ctx, inbound, value, "discard");
  if (!taken) return;
  const { stored, rotation, by } = taken;
  await editPost(ctx, stored, rotation, { kind: "discarded", by, at: ctx.clock.now().toISOString() });
  await reply(ctx, inbound, ctx.render("oncall-plan-discarded", { rotation: rotation.name ?? rotation.id }));
};
