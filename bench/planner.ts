/**
 * Planner figures: 20 people × 52 weekly shifts with random unavailability (seeded, so every run plans the same
 * year): each person is away for 1–3 windows of one or two weeks starting on a random day, and has served
 * 0–3 shifts over the last 12 weeks. Times `draftPlan` (median and worst of several runs) and prints the
 * spread, the back-to-back count and the slots left unfilled.
 * Environment: BENCH_PLANNER_RUNS (default 15), BENCH_PLANNER_SEED (default 5).
 */
import { draftPlan, type PlanAbsence, type PlanInput, type PlanSlot } from "../src/core/oncall/planner.js";
import { parseRotation, shiftsBetween } from "../src/core/oncall/rotation.js";
import { seeded } from "./seeded.js";

const PEOPLE = 20;
const WEEKS = 52;
const DAY_MS = 86_400_000;
const TARGET_MS = 1000;

/** The bench's year: a real weekly rotation in Europe/Berlin (so two DST changes fall inside it). */
export function plannerBenchInput(seed: number): PlanInput {
  const random = seeded(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const members = Array.from({ length: PEOPLE }, (_, i) => `p${String(i + 1).padStart(2, "0")}`);
  const parsed = parseRotation({
    id: "bench",
    members,
    shift: "1w",
    handoff: "Mon 09:00",
    timezone: "Europe/Berlin",
    start: "2026-01-05",
  });
  if (!parsed.ok) throw new Error(parsed.error);
  const from = new Date("2026-01-05T08:00:00Z");
  const shifts = shiftsBetween(parsed.rotation, from, new Date(from.getTime() + WEEKS * 7 * DAY_MS));
  const slots: PlanSlot[] = shifts.map((s) => ({
    index: s.shiftIndex,
    from: s.shiftStart.getTime(),
    to: s.shiftEnd.getTime(),
    current: s.personId,
    fixed: false,
  }));
  const absences: PlanAbsence[] = members.flatMap((personId) =>
    Array.from({ length: int(1, 3) }, () => {
      const start = from.getTime() + int(0, WEEKS * 7 - 1) * DAY_MS;
      return { personId, from: start, to: start + int(1, 2) * 7 * DAY_MS };
    }),
  );
  const pastLoad = Object.fromEntries(members.map((m) => [m, int(0, 3)]));
  return { slots, members, absences, pastLoad, asked: {} };
}

export async function plannerSection(): Promise<void> {
  const runs = Number(process.env.BENCH_PLANNER_RUNS ?? 15);
  const seed = Number(process.env.BENCH_PLANNER_SEED ?? 5);
  const input = plannerBenchInput(seed);
  draftPlan(input); // warm-up: the first call also pays for compiling the code
  const times: number[] = [];
  let plan = draftPlan(input);
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    plan = draftPlan(input);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  const worst = times[times.length - 1] ?? 0;
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
  console.log(
    `\n## Planner: ${PEOPLE} people × ${input.slots.length} weekly shifts, ${input.absences.length} absences (seed ${seed})\n`,
  );
  console.log(
    `- draftPlan: median ${ms(median)}, worst ${ms(worst)} over ${runs} runs (target ≤ 1 s: ${verdict(worst <= TARGET_MS)})`,
  );
  console.log(
    `- spread (max − min shifts per person): planned only ${plan.plannedSpread}, with past load ${plan.spread}`,
  );
  console.log(`- back-to-back shifts: ${plan.backToBack}`);
  console.log(`- slots left unfilled (everyone away): ${plan.unfilled}`);
}
