/**
 * Who-is-on lookup figures: a rotation with five years of history (its layers start five years before "now")
 * and 1,000 overrides spread over those years, two layers to be realistic: working hours (daily shifts,
 * restricted to Mon–Fri 09:00–17:00) over a weekly base, in Europe/Berlin so ten DST changes fall inside.
 * Builds the OverrideIndex once, as a handler does per request (and prints how long that takes), then times
 * `onCallAt` at random instants over the five years: p50, p99 and max, against the target p99 ≤ 1 ms.
 * Seeded, so every run asks the same instants.
 * Environment: BENCH_ONCALL_LOOKUPS (default 200000), BENCH_ONCALL_SEED (default 7).
 */
import { onCallAt } from "../src/core/oncall/duty.js";
import { indexOverrides } from "../src/core/oncall/override-index.js";
import { parseRotation } from "../src/core/oncall/rotation.js";
import type { Layer, OncallRotation, Override } from "../src/core/oncall/types.js";
import { percentile } from "./load.js";
import { seeded } from "./seeded.js";

const LOOKUPS = Number(process.env.BENCH_ONCALL_LOOKUPS ?? 200_000);
const SEED = Number(process.env.BENCH_ONCALL_SEED ?? 7);
const OVERRIDES = 1000;
const DAY_MS = 86_400_000;
const YEARS = 5;
const TARGET_P99_MS = 1;
/** "Now" of the bench: fixed, so the history is the same every run. */
const NOW = Date.parse("2031-11-20T12:00:00Z");

function layer(
  name: string,
  input: { members: string[]; shift: string; handoff: string },
  start: string,
): Layer {
  const parsed = parseRotation({ id: "bench", timezone: "Europe/Berlin", start, ...input });
  if (!parsed.ok) throw new Error(parsed.error);
  return { ...parsed.rotation, name };
}

export function benchRotation(): OncallRotation {
  const start = new Date(NOW - YEARS * 365.25 * DAY_MS).toISOString().slice(0, 10);
  const business = layer(
    "business-hours",
    { members: ["ana", "ben", "cai", "dev"], shift: "1d", handoff: "09:00" },
    start,
  );
  business.restrict = [{ days: ["Mon", "Tue", "Wed", "Thu", "Fri"], from: "09:00", to: "17:00" }];
  const base = layer(
    "base",
    { members: ["eli", "fay", "gus", "hal", "ivy", "jon"], shift: "1w", handoff: "Mon 09:00" },
    start,
  );
  return { id: "bench", layers: [business, base], notifyBeforeMs: 3_600_000 };
}

/**
 * 1,000 non-overlapping overrides of 1 to 18 hours (someone covering an evening, a night, a day off), one in
 * each equal slice of the five years: about a fifth of the time is overridden, as in a busy team.
 */
export function benchOverrides(random: () => number): Override[] {
  const from = NOW - YEARS * 365.25 * DAY_MS;
  const slice = (NOW - from) / OVERRIDES;
  const people = ["ana", "ben", "eli", "fay", "zed"];
  return Array.from({ length: OVERRIDES }, (_, i) => {
    const length = Math.min(slice, 3_600_000 * (1 + Math.floor(random() * 18)));
    const start = Math.floor(from + i * slice + random() * (slice - length));
    return {
      id: `bench-${i}`,
      rotation: "bench",
      personId: people[i % people.length] as string,
      from: new Date(start).toISOString(),
      to: new Date(start + length).toISOString(),
      kind: "override",
      by: "dana",
      at: new Date(start - DAY_MS).toISOString(),
    };
  });
}

const micros = (ns: bigint) => Number(ns) / 1000;
const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);

export async function whoIsOnSection(): Promise<void> {
  const random = seeded(SEED);
  const rotation = benchRotation();
  const overrides = benchOverrides(random);

  // Building the index is per request in the handlers (they load the overrides, then index them).
  const builds: number[] = [];
  let index = indexOverrides(overrides);
  for (let i = 0; i < 50; i++) {
    const t0 = process.hrtime.bigint();
    index = indexOverrides(overrides);
    builds.push(micros(process.hrtime.bigint() - t0));
  }
  builds.sort((a, b) => a - b);

  const from = NOW - YEARS * 365.25 * DAY_MS;
  const instants = Array.from(
    { length: LOOKUPS },
    () => new Date(from + Math.floor(random() * (NOW - from))),
  );
  // Warm up the JIT and Intl's zone caches the way a running process has them.
  for (let i = 0; i < 2000; i++) onCallAt(rotation, index, instants[i % instants.length] as Date);

  const took: number[] = new Array(LOOKUPS);
  const seen = { override: 0, layer0: 0, layer1: 0, nobody: 0 };
  for (let i = 0; i < LOOKUPS; i++) {
    const t0 = process.hrtime.bigint();
    const r = onCallAt(rotation, index, instants[i] as Date);
    took[i] = micros(process.hrtime.bigint() - t0);
    if (r.source.kind === "override") seen.override++;
    else if (r.source.kind === "layer") seen[r.source.layer === 0 ? "layer0" : "layer1"]++;
    else seen.nobody++;
  }
  took.sort((a, b) => a - b);
  const p99 = percentile(took, 99);

  console.log("\n== oncall: who-is-on lookup (5 years of history, 1,000 overrides, 2 layers) ==");
  console.log(
    `index build (1,000 overrides): p50 ${fmt(percentile(builds, 50))}, max ${fmt(builds.at(-1) ?? Number.NaN)}`,
  );
  console.log(
    `onCallAt × ${LOOKUPS.toLocaleString("en-US")}: p50 ${fmt(percentile(took, 50))}, p99 ${fmt(p99)}, ` +
      `max ${fmt(took.at(-1) ?? Number.NaN)}; target p99 ≤ ${TARGET_P99_MS} ms: ` +
      `${p99 <= TARGET_P99_MS * 1000 ? "met" : "MISSED"}`,
  );
  console.log(
    `answers: override ${seen.override}, business-hours ${seen.layer0}, base ${seen.layer1}, nobody ${seen.nobody}`,
  );
}
