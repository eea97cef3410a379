/**
 * The fair planner: who should take each of a layer's next shifts, from everyone's declared unavailability,
 * the shifts they served recently and how often they were asked lately. Pure and fast (a few milliseconds for
 * 20 people × 52 shifts): the handler gathers the inputs and writes the result as overrides.
 *
 * The rules, in priority order:
 *  1. Never someone who is away at any instant of a slot (hard). A slot everyone is away for is left unfilled
 *     (`personId: null`, reason "everyone_away") rather than given to someone who said they cannot.
 *  2. Counts as even as possible, counting past load: each slot goes to a candidate with the fewest shifts so
 *     far (past + fixed + planned). Someone who served less catches up, so the spread of totals shrinks.
 *  3. No back-to-back shifts (the same person in consecutive slots) where avoidable: among the least loaded,
 *     someone who is not next to the slot is preferred; afterwards a repair pass swaps pairs of planned slots
 *     to break the runs that are left (a swap keeps every count, so it never costs evenness).
 *  4. Ties: fewer recent asks, then longest since their last shift, then member order, so the result is the
 *     same for the same input.
 *
 * The shift running now (`previous`) counts as the slot before slot 0 for rule 3 and for `backToBack`: whoever
 * is on duty now is not handed the next shift straight after when someone else can take it.
 *
 * Fixed slots (an override already covers them) are kept as they are and count toward their person's load
 * from the start, so someone covering a later week is not also handed the weeks before it.
 */
import { askCount } from "./asked.js";

/** One shift to fill. */
export interface PlanSlot {
  /** The layer's shift index (for ids and messages). */
  index: number;
  /** Epoch ms, from < to. */
  from: number;
  to: number;
  /** Who is on now over the slot (overrides included), or null: nobody. */
  current: string | null;
  /** An override already covers (part of) the slot: it is kept, with `current` on it. */
  fixed: boolean;
}

/** A declared absence over [from, to), epoch ms. */
export interface PlanAbsence {
  personId: string;
  from: number;
  to: number;
}

export interface PlanInput {
  slots: readonly PlanSlot[];
  /** Candidate person ids, in member order (duplicates are ignored: everyone is planned alike). */
  members: readonly string[];
  absences: readonly PlanAbsence[];
  /** Shifts each person served recently; absent means 0. */
  pastLoad: Readonly<Record<string, number>>;
  /** The asked-recently record (epoch ms per person), for ties. */
  asked: Readonly<Record<string, readonly number[]>>;
  /** When each person's last shift before the plan ended (epoch ms), for ties; absent: long ago. */
  lastShiftEnd?: Readonly<Record<string, number>>;
  /**
   * Who holds the shift just before the first slot (the one running now), if anyone: slot 0 is next to it, so
   * giving them slot 0 is a back-to-back run like any other.
   */
  previous?: string | null;
}

export type UnfilledReason = "everyone_away";

export interface PlannedSlot extends PlanSlot {
  /** Who the plan puts on: `current` for a fixed slot, null when nobody can take it (see `reason`). */
  personId: string | null;
  reason?: UnfilledReason;
}

export interface PlanCount {
  personId: string;
  /** Shifts served recently (the input). */
  past: number;
  /** Slots of this plan they hold, fixed ones included. */
  planned: number;
  total: number;
}

export interface Plan {
  slots: PlannedSlot[];
  /** Per member, in member order. */
  counts: PlanCount[];
  /** max − min of `total` over the members. */
  spread: number;
  /** max − min of `planned` over the members. */
  plannedSpread: number;
  /** Pairs of consecutive slots held by the same person. */
  backToBack: number;
  /** Slots left without anyone. */
  unfilled: number;
}

/** Drafts a plan (see the rules at the top of the file). */
export function draftPlan(input: PlanInput): Plan {
  const members = [...new Set(input.members)];
  const slots = [...input.slots].sort((a, b) => a.from - b.from);
  const previous = input.previous ?? null;
  const awayIn = awayBySlot(slots, input.absences);
  const isAway: IsAway = (personId, i) => awayIn[i]?.has(personId) ?? false;

  const load = new Map(members.map((m) => [m, input.pastLoad[m] ?? 0]));
  const lastEnd = new Map(members.map((m) => [m, input.lastShiftEnd?.[m] ?? Number.NEGATIVE_INFINITY]));
  const order = new Map(members.map((m, i) => [m, i]));
  const asks = new Map(members.map((m) => [m, askCount(input.asked, m)]));
  for (const slot of slots) {
    if (slot.fixed && slot.current !== null && load.has(slot.current)) {
      load.set(slot.current, (load.get(slot.current) ?? 0) + 1);
    }
  }

  const who: (string | null)[] = slots.map((s) => (s.fixed ? s.current : null));
  const reasons: (UnfilledReason | undefined)[] = slots.map(() => undefined);
  slots.forEach((slot, i) => {
    if (slot.fixed) {
      if (slot.current !== null && lastEnd.has(slot.current)) lastEnd.set(slot.current, slot.to);
      return;
    }
    const candidates = members.filter((m) => !isAway(m, i));
    if (candidates.length === 0) {
      reasons[i] = "everyone_away";
      return;
    }
    const before = i > 0 ? who[i - 1] : previous;
    // A later slot is known only when it is fixed; planned ones are not decided yet.
    const after = i + 1 < slots.length && slots[i + 1]?.fixed ? who[i + 1] : null;
    const key = (m: string) => [
      load.get(m) ?? 0,
      m === before || m === after ? 1 : 0,
      asks.get(m) ?? 0,
      lastEnd.get(m) ?? Number.NEGATIVE_INFINITY,
      order.get(m) ?? 0,
    ];
    const chosen = candidates.reduce((best, m) => (compareKeys(key(m), key(best)) < 0 ? m : best));
    who[i] = chosen;
    load.set(chosen, (load.get(chosen) ?? 0) + 1);
    lastEnd.set(chosen, slot.to);
  });

  balance(slots, who, previous, members, load, isAway);
  repairBackToBack(slots, who, previous, members, isAway);

  const planned = new Map(members.map((m) => [m, 0]));
  who.forEach((m) => {
    if (m !== null && planned.has(m)) planned.set(m, (planned.get(m) ?? 0) + 1);
  });
  const counts = members.map((personId) => {
    const past = input.pastLoad[personId] ?? 0;
    const mine = planned.get(personId) ?? 0;
    return { personId, past, planned: mine, total: past + mine };
  });
  return {
    slots: slots.map((slot, i) => ({
      ...slot,
      personId: who[i] ?? null,
      ...(reasons[i] && { reason: reasons[i] }),
    })),
    counts,
    spread: spreadOf(counts.map((c) => c.total)),
    plannedSpread: spreadOf(counts.map((c) => c.planned)),
    backToBack: countBackToBack(who, previous),
    unfilled: reasons.filter(Boolean).length,
  };
}

/** Whether a person is away at any instant of slot `i` (of the sorted slots). */
type IsAway = (personId: string, i: number) => boolean;

/**
 * Who is away during each slot, worked out once: the passes below ask it for every pair they try, so it must
 * cost nothing per question (slots × absences here, a few hundred thousand comparisons at most).
 */
function awayBySlot(slots: readonly PlanSlot[], absences: readonly PlanAbsence[]): Set<string>[] {
  const sets = slots.map(() => new Set<string>());
  for (const a of absences) {
    if (!(a.to > a.from)) continue;
    slots.forEach((slot, i) => {
      if (a.from < slot.to && a.to > slot.from) sets[i]?.add(a.personId);
    });
  }
  return sets;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    // -Infinity − -Infinity is NaN: equal.
    if (d < 0) return -1;
    if (d > 0) return 1;
  }
  return 0;
}

function spreadOf(values: readonly number[]): number {
  return values.length === 0 ? 0 : Math.max(...values) - Math.min(...values);
}

/** Who holds slot `i`, where slot -1 is the shift running before the plan. */
function holderAt(who: readonly (string | null)[], previous: string | null, i: number): string | null {
  return i < 0 ? previous : (who[i] ?? null);
}

function countBackToBack(who: readonly (string | null)[], previous: string | null): number {
  let n = 0;
  for (let i = 0; i < who.length; i++) if (who[i] !== null && who[i] === holderAt(who, previous, i - 1)) n++;
  return n;
}

/**
 * Evens out what the greedy pass could not foresee (someone who was away when they should have caught up):
 * while a member's total is two or more above another's, one of the higher's planned slots that the lower can
 * take moves to them, preferring a slot where that makes no back-to-back run. Each move lowers the sum of
 * squared totals, so this ends.
 */
function balance(
  slots: readonly PlanSlot[],
  who: (string | null)[],
  previous: string | null,
  members: readonly string[],
  load: Map<string, number>,
  isAway: IsAway,
): void {
  const runWith = (i: number, m: string) => holderAt(who, previous, i - 1) === m || who[i + 1] === m;
  for (;;) {
    const byLoad = [...members].sort((a, b) => (load.get(b) ?? 0) - (load.get(a) ?? 0));
    let moved = false;
    // The most loaded first, each against the least loaded it can give a slot to.
    for (const hi of byLoad) {
      for (const lo of [...byLoad].reverse()) {
        if ((load.get(hi) ?? 0) - (load.get(lo) ?? 0) < 2) break;
        let pick = -1;
        for (let i = 0; i < slots.length; i++) {
          if (slots[i]?.fixed || who[i] !== hi || isAway(lo, i)) continue;
          if (pick < 0) pick = i;
          if (!runWith(i, lo)) {
            pick = i;
            break;
          }
        }
        if (pick < 0) continue;
        who[pick] = lo;
        load.set(hi, (load.get(hi) ?? 0) - 1);
        load.set(lo, (load.get(lo) ?? 0) + 1);
        moved = true;
        break;
      }
      if (moved) break;
    }
    if (!moved) return;
  }
}

/**
 * Breaks back-to-back runs by swapping the people of two planned (not fixed, not unfilled) slots when the
 * swap is allowed (nobody lands on a slot they are away for) and strictly lowers the number of back-to-back
 * pairs. Swaps keep every count, so evenness is untouched; each swap lowers the total, so this ends.
 */
function repairBackToBack(
  slots: readonly PlanSlot[],
  who: (string | null)[],
  previous: string | null,
  members: readonly string[],
  isAway: IsAway,
): void {
  const movable = (i: number) => !slots[i]?.fixed && who[i] !== null;
  // Where each person could be swapped to at all: the slots they are not away for.
  const free = new Map(members.map((m) => [m, slots.flatMap((_, j) => (isAway(m, j) ? [] : [j]))]));
  /** Tries to move slot k's person elsewhere by one swap; true when it did. */
  const swapAway = (k: number): boolean => {
    const p = who[k] as string;
    // Nobody else can take slot k: no swap can help, and scanning every slot to find that out is what would
    // make a long run (one person covering for weeks of hourly shifts) cost seconds.
    if (!members.some((m) => m !== p && !isAway(m, k))) return false;
    for (const j of free.get(p) ?? []) {
      if (j === k || !movable(j)) continue;
      const q = who[j] as string;
      if (q === p || isAway(q, k)) continue;
      const before = pairsNear(who, previous, k, j);
      who[k] = q;
      who[j] = p;
      if (pairsNear(who, previous, k, j) < before) return true;
      who[k] = p;
      who[j] = q;
    }
    return false;
  };
  // Every swap lowers the number of pairs, so at most that many swaps happen; passes end when one finds none.
  for (let changed = true; changed; ) {
    changed = false;
    // From slot 0: a run with the shift running now can only be broken by moving slot 0.
    for (let i = 0; i < slots.length; i++) {
      if (who[i] === null || who[i] !== holderAt(who, previous, i - 1)) continue;
      // The later one first, so earlier slots settle as the pass goes on.
      if ((movable(i) && swapAway(i)) || (i > 0 && movable(i - 1) && swapAway(i - 1))) changed = true;
    }
  }
}

/**
 * Back-to-back pairs among the pairs touching slots k and j, each pair counted once. Pair p is slots p and
 * p + 1; pair -1 is the shift running now and slot 0.
 */
function pairsNear(who: readonly (string | null)[], previous: string | null, k: number, j: number): number {
  const pairs = new Set<number>();
  for (const s of [k, j]) {
    pairs.add(s - 1);
    if (s + 1 < who.length) pairs.add(s);
  }
  let n = 0;
  for (const p of pairs) if (who[p + 1] !== null && who[p + 1] === holderAt(who, previous, p)) n++;
  return n;
}
