/**
 * Changing the schedule from chat: building overrides (override, swap, cover) and absences, and checking them
 * against what is already stored. Pure: the handlers read the clock and the store, and run the `plan*`
 * functions INSIDE the store's atomic change, so two concurrent changes cannot both land on the same hours.
 *
 * Every refusal is a UsageError whose sentence says what is in the way, what to do instead, and that nothing was
 * changed. Times in refusals are shown in the asker's zone, with the zone's abbreviation.
 */
import { formatDuration } from "../duration.js";
import { UsageError } from "../errors.js";
import type { ListChange } from "../ports.js";
import type { Settings } from "../settings.js";
import { formatTime, unescapeMarkup } from "../templates/helpers.js";
import { dutyBetween } from "./duty.js";
import type { DutyWindow } from "./moves.js";
import { indexOverrides } from "./override-index.js";
import { personById } from "./people.js";
import { onDutyAt, shiftByIndex } from "./rotation.js";
import type { Away, DutySegment, OncallRotation, Override, OverrideKind, Shift } from "./types.js";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** An override or absence longer than this is surely a typo (a year for a month); the config is for long changes. */
export const MAX_WINDOW_MS = 90 * DAY_MS;
/** A call for cover shorter than this is not worth a message; longer than this is a change of schedule. */
export const COVER_MIN_MS = 5 * MINUTE_MS;
export const COVER_MAX_MS = 7 * DAY_MS;
/** How far ahead a swap looks for each person's next shift. */
export const SWAP_HORIZON_MS = 183 * DAY_MS;

export const NOTHING_CHANGED = "Nothing was changed.";

/** Who people see in a refusal: the name from the people list, else the id as recorded. */
export function displayName(settings: Settings, id: string | null | undefined): string {
  if (!id) return "nobody";
  return personById(settings, id)?.name ?? id;
}

/** An instant as people read it: "Fri 20 Nov 23:05 CET" in `zone`. Plain text (refusals are escaped later). */
export function showTime(at: Date | string, zone: string): string {
  return unescapeMarkup(formatTime(typeof at === "string" ? at : at.toISOString(), zone));
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------------------
// Rotations
// ---------------------------------------------------------------------------------------------------------

/** Everyone who takes turns in a rotation, over all its layers, in first-seen order. */
export function rotationMembers(rotation: OncallRotation): string[] {
  return [...new Set(rotation.layers.flatMap((l) => l.members))];
}

/**
 * The rotation a command means: the one named; else the only rotation there is; else the only one every
 * person in `people` is a member of. Anything else is refused with the rotations to choose from.
 * `example` is the command as the person would retype it with a rotation at the end (e.g. "oncall swap @a @b").
 */
export function chooseRotation(
  settings: Settings,
  named: string | undefined,
  people: readonly string[],
  example: string,
): OncallRotation {
  const all = settings.rotations;
  if (named !== undefined) {
    const found = all.find((r) => r.id === named);
    if (found) return found;
    const known = all.length
      ? `Known rotations: ${all.map((r) => r.id).join(", ")}.`
      : "No rotation is configured.";
    throw new UsageError(`There is no rotation "${named}". ${known} ${NOTHING_CHANGED}`, "unknown_rotation");
  }
  if (all.length === 0) {
    throw new UsageError(
      `No rotation is configured yet: add one under \`rotations\` in the config file. ${NOTHING_CHANGED}`,
      "no_rotation",
    );
  }
  if (all.length === 1) return all[0] as OncallRotation;
  const shared = all.filter((r) => {
    const members = rotationMembers(r);
    return people.every((p) => members.includes(p));
  });
  if (shared.length === 1) return shared[0] as OncallRotation;
  const who = list(people.map((p) => displayName(settings, p)));
  const candidates = (shared.length ? shared : all).map((r) => r.id);
  const why =
    shared.length > 1
      ? `${who} ${people.length > 1 ? "share" : "is in"} several rotations (${candidates.join(", ")})`
      : `${who} ${people.length > 1 ? "share no rotation" : "is in no rotation"}, and there are several (${candidates.join(", ")})`;
  throw new UsageError(
    `Which rotation? ${why}: name one at the end, e.g. \`${example} ${candidates[0]}\`. ${NOTHING_CHANGED}`,
    "which_rotation",
  );
}

// ---------------------------------------------------------------------------------------------------------
// Windows
// ---------------------------------------------------------------------------------------------------------

export interface CheckedWindow {
  from: Date;
  to: Date;
  /** True when the typed start had passed: the window begins now instead. */
  startedNow: boolean;
}

/**
 * Checks a typed window against the clock: the end after the start, not already over, not absurdly long. A
 * window that started in the past begins now (what was meant: "from earlier today until tonight").
 */
export function checkWindow(
  from: Date,
  to: Date,
  now: Date,
  zone: string,
  maxMs = MAX_WINDOW_MS,
): CheckedWindow {
  if (to.getTime() <= from.getTime()) {
    throw new UsageError(
      `The end (${showTime(to, zone)}) must be after the start (${showTime(from, zone)}). ${NOTHING_CHANGED}`,
      "end_before_start",
    );
  }
  if (to.getTime() <= now.getTime()) {
    throw new UsageError(
      `That window is already over: it ended ${showTime(to, zone)} (it is now ${showTime(now, zone)}). Choose times in the future. ${NOTHING_CHANGED}`,
      "window_over",
    );
  }
  const startedNow = from.getTime() < now.getTime();
  const start = startedNow ? now : from;
  if (to.getTime() - start.getTime() > maxMs) {
    throw new UsageError(
      `That window is ${formatDuration(to.getTime() - start.getTime())} long; the longest allowed is ${formatDuration(maxMs)}. Split it into shorter ones, or change the rotation in the config file. ${NOTHING_CHANGED}`,
      "window_too_long",
    );
  }
  return { from: start, to, startedNow };
}

/** A cover's duration, 5m to 7d. */
export function checkCoverDuration(ms: number): void {
  if (ms < COVER_MIN_MS || ms > COVER_MAX_MS) {
    throw new UsageError(
      `Cover lasts from ${formatDuration(COVER_MIN_MS)} to ${formatDuration(COVER_MAX_MS)}; ${formatDuration(ms)} is outside that. For longer, use \`oncall override\` or \`oncall swap\`. ${NOTHING_CHANGED}`,
      "cover_duration",
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// Overlaps
// ---------------------------------------------------------------------------------------------------------

/** The refusal for a change that would overlap `existing`: who, when, made by whom, and what to do. */
export function overlapError(settings: Settings, existing: Override, zone: string): UsageError {
  const instead = existing.replaces ? ` instead of ${displayName(settings, existing.replaces)}` : "";
  return new UsageError(
    `That overlaps an override already in ${existing.rotation}: ${displayName(settings, existing.personId)} is on${instead} from ${showTime(existing.from, zone)} to ${showTime(existing.to, zone)} (${existing.kind}, made by ${displayName(settings, existing.by)} on ${showTime(existing.at, zone)}). Wait until it ends, or choose a window outside it. ${NOTHING_CHANGED}`,
    "override_overlap",
  );
}

/** Adds `override` unless it overlaps one already there (overrides of a rotation never overlap). */
export function planOverride(
  settings: Settings,
  current: readonly Override[],
  override: Override,
  zone: string,
): ListChange<Override> {
  refuseOverlaps(settings, current, [override], zone);
  return { add: [override] };
}

function refuseOverlaps(
  settings: Settings,
  current: readonly Override[],
  added: readonly Override[],
  zone: string,
): void {
  const index = indexOverrides(current);
  for (const o of added) {
    const clash = index.overlapping(Date.parse(o.from), Date.parse(o.to))[0];
    if (clash) throw overlapError(settings, clash, zone);
  }
}

/** Who the schedule has at `at`, overrides in `current` applied (for an override's `replaces`). */
export function scheduledAt(rotation: OncallRotation, current: readonly Override[], at: Date): string | null {
  const first = dutyBetween(rotation, indexOverrides(current), at, new Date(at.getTime() + 1))[0];
  return first?.personId ?? null;
}

// ---------------------------------------------------------------------------------------------------------
// Swaps
// ---------------------------------------------------------------------------------------------------------

/** One person's part of a swap: their next shift, which the other person takes. */
export interface SwappedShift {
  personId: string;
  /** From the start of the first piece to the end of the last. */
  from: Date;
  to: Date;
  /** Where the shift's layer decides, in order (one piece unless a higher layer takes some of the shift). */
  pieces: { from: Date; to: Date }[];
}

export interface SwapPlan {
  change: ListChange<Override>;
  /** The first person's next shift (now the second's) and the second's (now the first's). */
  first: SwappedShift;
  second: SwappedShift;
}

/** The parts of `shift` (of layer number `layer`) where that layer decides: not taken by a higher layer. */
function decidingPieces(rotation: OncallRotation, layer: number, shift: Shift): { from: Date; to: Date }[] {
  return dutyBetween(rotation, indexOverrides([]), shift.shiftStart, shift.shiftEnd)
    .filter(
      (s) =>
        s.source.kind === "layer" && s.source.layer === layer && s.source.shiftIndex === shift.shiftIndex,
    )
    .map((s) => ({ from: s.from, to: s.to }));
}

/**
 * The next shift of `personId`: their next turn in a layer that gives them duty, i.e. the first shift starting
 * after `now` (before `until`) of a layer, where they are the member whose turn it is and which has parts where
 * that layer decides; the earliest over all layers. A turn, not a duty segment: an override inside their
 * current shift does not make "the rest of this week" their next shift, and a higher layer's hours do not cut
 * a base-layer week into fragments. Overrides are not applied: a swap refuses to trade over one.
 */
export function nextShift(
  rotation: OncallRotation,
  personId: string,
  now: Date,
  until: Date,
): SwappedShift | undefined {
  let best: SwappedShift | undefined;
  rotation.layers.forEach((layer, l) => {
    const n = layer.members.length;
    const turns = layer.members.flatMap((m, i) => (m === personId ? [i] : []));
    if (turns.length === 0) return;
    // Their next index at or after k: the nearest of their positions in the cycle.
    const nextIndex = (k: number) => Math.min(...turns.map((p) => k + ((((p - k) % n) + n) % n)));
    let k = nextIndex((onDutyAt(layer, now)?.shiftIndex ?? -1) + 1);
    for (;;) {
      const shift = shiftByIndex(layer, k);
      const limit = best ? Math.min(best.from.getTime(), until.getTime()) : until.getTime();
      if (shift.shiftStart.getTime() >= limit) return;
      if (shift.shiftStart.getTime() > now.getTime()) {
        const pieces = decidingPieces(rotation, l, shift);
        const first = pieces[0];
        const last = pieces[pieces.length - 1];
        if (first && last) {
          best = { personId, from: first.from, to: last.to, pieces };
          return;
        }
      }
      k = nextIndex(k + 1);
    }
  });
  return best;
}

/**
 * A swap of the next turn of `a` and of `b` (see `nextShift`): each goes to the other, as overrides of kind
 * "swap", one per piece of the shift (where its layer decides), like a plan's overrides of a restricted layer.
 * Refused when either has no upcoming turn within the horizon, or when either shift already has an override.
 */
export function planSwap(
  settings: Settings,
  rotation: OncallRotation,
  current: readonly Override[],
  people: readonly [string, string],
  meta: { ids: readonly [string, string]; by: string; at: Date; zone: string },
): SwapPlan {
  const [a, b] = people;
  if (a === b) {
    throw new UsageError(
      `Swapping needs two different people; both mentions are ${displayName(settings, a)}. ${NOTHING_CHANGED}`,
      "swap_self",
    );
  }
  const now = meta.at;
  const until = new Date(now.getTime() + SWAP_HORIZON_MS);
  const shiftOf = (p: string): SwappedShift => {
    const s = nextShift(rotation, p, now, until);
    if (!s) {
      throw new UsageError(
        `${displayName(settings, p)} has no upcoming shift in ${rotation.id} within the next ${formatDuration(SWAP_HORIZON_MS)}, so there is nothing to swap. Use \`oncall override\` to put them on at a time of your choosing. ${NOTHING_CHANGED}`,
        "swap_no_shift",
      );
    }
    return s;
  };
  const first = shiftOf(a);
  const second = shiftOf(b);
  const make = (id: string, shift: SwappedShift, taker: string): Override[] =>
    shift.pieces.map((piece, i) => ({
      id: i === 0 ? id : `${id}.${i + 1}`,
      rotation: rotation.id,
      personId: taker,
      from: piece.from.toISOString(),
      to: piece.to.toISOString(),
      kind: "swap",
      replaces: shift.personId,
      by: meta.by,
      at: now.toISOString(),
    }));
  const added = [...make(meta.ids[0], first, b), ...make(meta.ids[1], second, a)];
  refuseOverlaps(settings, current, added, meta.zone);
  return { change: { add: added }, first, second };
}

// ---------------------------------------------------------------------------------------------------------
// Cover
// ---------------------------------------------------------------------------------------------------------

export interface CoverPlan {
  change: ListChange<Override>;
  /** The windows the cover took over (the replaced person's duty inside the asked window), in order. */
  windows: DutyWindow[];
}

/**
 * `personId` takes over the duty of `replaces` (null: stretches where nobody is on) inside [from, to). Only that
 * person's duty moves: a handoff inside the window ends the cover there, and other people's overrides stay. An
 * override that had put `replaces` on is cut around the cover (its parts before and after stay, with ids
 * derived from its own), so overrides still never overlap.
 */
export function planCover(
  settings: Settings,
  rotation: OncallRotation,
  current: readonly Override[],
  cover: {
    id: string;
    personId: string;
    replaces: string | null;
    from: Date;
    to: Date;
    kind: OverrideKind;
    by: string;
    at: Date;
    zone: string;
  },
): CoverPlan {
  if (cover.personId === cover.replaces) {
    throw new UsageError(
      `${displayName(settings, cover.personId)} is already the one on duty then. ${NOTHING_CHANGED}`,
      "cover_self",
    );
  }
  const mine = dutyBetween(rotation, indexOverrides(current), cover.from, cover.to).filter(
    (s) => s.personId === cover.replaces,
  );
  if (mine.length === 0) {
    throw new UsageError(
      `${displayName(settings, cover.replaces)} is not on duty in ${rotation.id} between ${showTime(cover.from, cover.zone)} and ${showTime(cover.to, cover.zone)} any more, so there is nothing to cover. ${NOTHING_CHANGED}`,
      "cover_nothing",
    );
  }
  const remove: string[] = [];
  const add: Override[] = [];
  mine.forEach((s, i) => {
    if (s.source.kind === "override") {
      const cut = s.source.override;
      remove.push(cut.id);
      if (Date.parse(cut.from) < s.from.getTime()) {
        add.push({ ...cut, id: `${cut.id}.a`, to: s.from.toISOString() });
      }
      if (Date.parse(cut.to) > s.to.getTime()) {
        add.push({ ...cut, id: `${cut.id}.b`, from: s.to.toISOString() });
      }
    }
    add.push({
      id: i === 0 ? cover.id : `${cover.id}.${i + 1}`,
      rotation: rotation.id,
      personId: cover.personId,
      from: s.from.toISOString(),
      to: s.to.toISOString(),
      kind: cover.kind,
      ...(cover.replaces !== null && { replaces: cover.replaces }),
      by: cover.by,
      at: cover.at.toISOString(),
    });
  });
  return {
    change: { add, ...(remove.length && { remove }) },
    windows: mine.map((s) => ({ from: s.from, to: s.to })),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Unavailability
// ---------------------------------------------------------------------------------------------------------

/** Adds an absence unless it overlaps one the person already declared (named in the refusal). */
export function planAway(current: readonly Away[], away: Away, zone: string): ListChange<Away> {
  const from = Date.parse(away.from);
  const to = Date.parse(away.to);
  const clash = current.find(
    (a) => a.personId === away.personId && Date.parse(a.from) < to && Date.parse(a.to) > from,
  );
  if (clash) {
    throw new UsageError(
      `You already said you are away from ${showTime(clash.from, zone)} to ${showTime(clash.to, zone)} (declared on ${showTime(clash.at, zone)}), which overlaps this. Choose a window outside it. ${NOTHING_CHANGED}`,
      "away_overlap",
    );
  }
  return { add: [away] };
}

/** Duty segments of one person, from segments of any rotation. */
export function dutyOf(segments: readonly DutySegment[], personId: string): DutyWindow[] {
  return segments.filter((s) => s.personId === personId).map((s) => ({ from: s.from, to: s.to }));
}
