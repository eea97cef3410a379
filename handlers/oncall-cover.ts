/**
 * `/incident oncall cover <duration> [rotation]` ("cover me for 2 hours"), read two ways:
 *
 * - The asker is on call now (in the rotation named, or the one they are on in): a call for cover. It is posted
 *   in the rotation's channel with an "I'll cover" button and sent by DM to the two other members asked least
 *   recently (the shared asked-recently record, so the same people are not asked every time), leaving out
 *   anyone who declared themselves away during the call. The first to click takes it (the draft is taken
 *   atomically: exactly one click wins) and gets an override of kind "cover" from the click to the end,
 *   replacing the asker; a later click hears who took it, one after the end hears it expired. A click whose
 *   write fails puts the call back; one refused because the asker is no longer on duty closes the post, and
 *   later clicks are told it was closed.
 * - The asker is not on call: they take over from whoever is, from now for the duration, and that person is told.
 *
 * Only the rotation's members, the managers and the admins may take over or take a call.
 */
import type { CommandOf } from "../src/core/commands/schema.js";
import { formatDuration } from "../src/core/duration.js";
import { UsageError } from "../src/core/errors.js";
import { ASKED_WINDOW_MS, leastAsked } from "../src/core/oncall/asked.js";
import { onCallAt } from "../src/core/oncall/duty.js";
import { indexOverrides } from "../src/core/oncall/override-index.js";
import {
  type CoverPlan,
  checkCoverDuration,
  chooseRotation,
  NOTHING_CHANGED,
  planCover,
  rotationMembers,
  showTime,
} from "../src/core/oncall/overrides.js";
import { personById } from "../src/core/oncall/people.js";
import type { Away, OncallRotation, Person } from "../src/core/oncall/types.js";
import type { Platform } from "../src/core/platform.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import {
  changeId,
  requireAllowed,
  tellMovedPeople,
  type WrittenOverrides,
  writeOverrides,
} from "./oncall-changes-shared.js";
import { toldVars } from "./oncall-moves.js";
import { personVars, zoneOfPerson } from "./oncall-people.js";
import { directToPerson } from "./oncall-reach.js";
import { actorPerson, findRotation, loadOverrides, rotationChannel } from "./oncall-state.js";
import { reply, zoneOf } from "./outbox-items.js";
import type { ActionRoute } from "./routes.js";

/** How many members a call for cover asks by DM, beside the channel post. */
const ASK_BY_DM = 2;
/** How often, and how many times, a late click looks for who won the race before naming nobody. */
const TAKER_LOOK_EVERY_MS = 100;
const TAKER_LOOKS = 20;

/** A call for cover as stored (a draft that lives as long as the time asked for). */
interface CoverCall {
  id: string;
  rotation: string;
  /** Person id of who asked (on call when they asked). */
  asker: string;
  from: string;
  to: string;
  platform: Platform;
  /** Where the call was posted (to edit it once taken); absent when it could not be posted. */
  channelId?: string;
}

/** Outbox keys of one call: the post, its DM copies, and what follows its taking. */
const callKey = (call: Pick<CoverCall, "rotation" | "id">) => `oncall/${call.rotation}/cover-${call.id}`;
/** Ids of the override(s) a taken call becomes: `cover-<call id>`, then `.2`, `.3` for later pieces. */
const coverOverrideId = (callId: string) => `cover-${callId}`;
/**
 * Where a closed call records that it was closed (a draft beside the call's, kept until the call's end), so a
 * later click is told it was closed rather than, after looking for a taker in vain, that someone took it.
 */
const closedId = (callId: string) => `${callId}.closed`;

/**
 * The button carries what a click needs when the draft is already gone (taken, or expired in Redis): the
 * rotation and call id to find who took it, when it ends, and who asked. Ids never contain spaces.
 */
function buttonValue(call: CoverCall): string {
  return `${call.rotation} ${call.id} ${Date.parse(call.to)} ${call.asker}`;
}

function parseButtonValue(
  value: string | undefined,
): { rotation: string; id: string; to: number; asker: string } | null {
  const [rotation, id, to, asker, extra] = (value ?? "").split(" ");
  const end = Number(to);
  if (!rotation || !id || !asker || extra !== undefined || !Number.isSafeInteger(end)) return null;
  return { rotation, id, to: end, asker };
}

function notAPerson(inbound: Inbound): UsageError {
  return new UsageError(
    `You are not in the config file's \`people\` list, so Firebreak cannot put you on call. Ask an admin to add you with your ${inbound.platform} user id. ${NOTHING_CHANGED}`,
    "unknown_person",
  );
}

export async function cover(
  ctx: HandlerContext,
  inbound: Inbound,
  command: CommandOf<"oncall_cover">,
): Promise<void> {
  checkCoverDuration(command.durationMs);
  const person = actorPerson(ctx, inbound);
  if (!person) throw notAPerson(inbound);
  const now = ctx.clock.now();
  const named = command.rotation
    ? chooseRotation(ctx.settings, command.rotation, [person.id], "oncall cover")
    : undefined;
  const candidates = named ? [named] : ctx.settings.rotations;
  const onDutyIn: OncallRotation[] = [];
  for (const rotation of candidates) {
    const overrides = await loadOverrides(ctx, rotation.id, now);
    if (onCallAt(rotation, overrides, now).personId === person.id) onDutyIn.push(rotation);
  }
  const duration = formatDuration(command.durationMs);
  if (onDutyIn.length > 1) {
    const ids = onDutyIn.map((r) => r.id);
    throw new UsageError(
      `You are on call in ${ids.join(" and ")} right now: name the one to be covered in, e.g. \`oncall cover ${duration} ${ids[0]}\`. ${NOTHING_CHANGED}`,
      "which_rotation",
    );
  }
  const mine = onDutyIn[0];
  if (mine) return callForCover(ctx, inbound, person, mine, now, command.durationMs);
  const rotation = named ?? chooseRotation(ctx.settings, undefined, [person.id], `oncall cover ${duration}`);
  return takeOver(ctx, inbound, person, rotation, now, command.durationMs);
}

async function callForCover(
  ctx: HandlerContext,
  inbound: Inbound,
  asker: Person,
  rotation: OncallRotation,
  now: Date,
  durationMs: number,
): Promise<void> {
  const id = changeId(inbound);
  const channelId = await rotationChannel(ctx, inbound.platform, rotation);
  const call: CoverCall = {
    id,
    rotation: rotation.id,
    asker: asker.id,
    from: now.toISOString(),
    to: new Date(now.getTime() + durationMs).toISOString(),
    platform: inbound.platform,
    ...(channelId && { channelId }),
  };
  await ctx.oncall.putDraft("cover", id, JSON.stringify(call), durationMs);
  const key = callKey(call);
  const rotationName = rotation.name ?? rotation.id;
  const vars = (timezone: string, direct: boolean) => ({
    asker: personVars(ctx, inbound.platform, asker.id),
    rotation: rotationName,
    from: call.from,
    to: call.to,
    duration: durationMs,
    timezone,
    direct,
    button: buttonValue(call),
  });
  if (channelId) {
    await ctx.outbox.send({
      key,
      platform: inbound.platform,
      op: {
        kind: "post",
        channelId,
        message: ctx.render("oncall-cover-call", vars(ctx.settings.timezone, false)),
      },
    });
  }

  // The two other members asked least often lately (then longest ago), so the same people are not always asked;
  // not those who said they are away during the call (as a call for help skips them): they cannot cover.
  const away = awayDuring(await ctx.oncall.away(now), now, new Date(call.to));
  const others = rotationMembers(rotation).filter(
    (m) => m !== asker.id && personById(ctx.settings, m) && !away.has(m),
  );
  const record = await ctx.oncall.askedSince(new Date(now.getTime() - ASKED_WINDOW_MS));
  const asked: string[] = [];
  for (const personId of leastAsked(others, record, ASK_BY_DM)) {
    const message = ctx.render("oncall-cover-call", vars(zoneOfPerson(ctx, personId), true));
    if (await directToPerson(ctx, personId, `${key}-dm-${personId}`, message)) asked.push(personId);
  }
  if (asked.length) await ctx.oncall.recordAsked(asked, now);

  await reply(
    ctx,
    inbound,
    ctx.render("oncall-cover-asked", {
      rotation: rotationName,
      from: call.from,
      to: call.to,
      duration: durationMs,
      timezone: zoneOf(ctx, inbound),
      ...(channelId && { channel: channelId }),
      asked: asked.map((p) => personVars(ctx, inbound.platform, p)),
    }),
  );
}

/** Who declared themselves away for some of [from, to). */
function awayDuring(absences: readonly Away[], from: Date, to: Date): Set<string> {
  const overlapping = absences.filter(
    (a) => Date.parse(a.from) < to.getTime() && Date.parse(a.to) > from.getTime(),
  );
  return new Set(overlapping.map((a) => a.personId));
}

/** "I'll cover": the first click takes the call; the asker, the taker and the channel are told. */
export const takeCoverClick: ActionRoute = async (ctx, inbound, value) => {
  const ref = parseButtonValue(value);
  if (!ref) return;
  const now = ctx.clock.now();
  const rotation = findRotation(ctx.settings, ref.rotation);
  const rotationName = rotation?.name ?? ref.rotation;
  const gone = (taken: boolean, taker?: string, closed = false) =>
    reply(
      ctx,
      inbound,
      ctx.render("oncall-cover-gone", {
        rotation: rotationName,
        ...(personById(ctx.settings, ref.asker) && { asker: personVars(ctx, inbound.platform, ref.asker) }),
        taken,
        ...(closed && { closed }),
        ...(taker && { taker: personVars(ctx, inbound.platform, taker) }),
      }),
    );
  if (now.getTime() >= ref.to || !rotation) return gone(false);
  const taker = actorPerson(ctx, inbound);
  if (!taker) throw notAPerson(inbound);
  if (taker.id === ref.asker) {
    throw new UsageError(
      `That is your own call for cover: someone else has to take it. It stays open until ${showTime(new Date(ref.to), zoneOf(ctx, inbound))}. ${NOTHING_CHANGED}`,
      "cover_own_call",
    );
  }
  requireAllowed(ctx, inbound, rotation, "take a call for cover in it");

  const raw = await ctx.oncall.takeDraft("cover", ref.id);
  // The draft lives exactly as long as the time asked for, so before its end a missing draft means taken, or
  // closed (its record says so).
  if (raw === null) {
    const outcome = await outcomeOf(ctx, rotation.id, ref.id, now);
    return "closed" in outcome ? gone(false, undefined, true) : gone(true, outcome.taker);
  }
  const call = JSON.parse(raw) as CoverCall;
  const from = new Date(Math.max(now.getTime(), Date.parse(call.from)));
  const to = new Date(call.to);
  const zone = zoneOf(ctx, inbound);

  let plan: CoverPlan | undefined;
  let versions: WrittenOverrides;
  try {
    versions = await writeOverrides(ctx, rotation, now, (current) => {
      plan = planCover(ctx.settings, rotation, current, {
        id: coverOverrideId(call.id),
        personId: taker.id,
        replaces: call.asker,
        from,
        to,
        kind: "cover",
        by: taker.id,
        at: now,
        zone,
      });
      return plan.change;
    });
  } catch (err) {
    await untake(ctx, call, rotationName, err, now);
    throw err;
  }
  if (!plan) return;

  const windows = plan.windows.map((w) => ({ from: w.from.toISOString(), to: w.to.toISOString() }));
  const key = callKey(call);
  await reply(
    ctx,
    inbound,
    ctx.render("oncall-cover-taken-reply", {
      asker: personVars(ctx, inbound.platform, call.asker),
      rotation: rotationName,
      windows,
      timezone: zone,
    }),
  );
  await directToPerson(
    ctx,
    call.asker,
    `${key}-taken-dm`,
    ctx.render("oncall-cover-taken-dm", {
      taker: personVars(ctx, call.platform, taker.id),
      rotation: rotationName,
      windows,
      timezone: zoneOfPerson(ctx, call.asker),
    }),
  );
  if (call.channelId) {
    await ctx.outbox.send({
      key: `${key}-taken`,
      platform: call.platform,
      op: {
        kind: "update",
        channelId: call.channelId,
        ref: key,
        message: ctx.render("oncall-cover-taken", {
          asker: personVars(ctx, call.platform, call.asker),
          taker: personVars(ctx, call.platform, taker.id),
          rotation: rotationName,
          windows,
          timezone: ctx.settings.timezone,
        }),
      },
    });
  }
  // Anyone else whose duty moved (none, unless the cover cut an override): the asker and taker were told above.
  await tellMovedPeople(ctx, rotation, versions, { from, to }, { kind: "cover", by: taker.id }, key, [
    taker.id,
    call.asker,
  ]);
};

/**
 * A taken call whose taking failed: the click's draft was taken before the write, so without this the call
 * would be lost for everyone. When the refusal says the asker is no longer on duty for the rest of the call
 * (`cover_nothing`: an override or a config change took their shift), nobody can take it any more, so it is
 * recorded as closed (for later clicks) and its post says so; otherwise (a store error, any other refusal) the
 * draft goes back for the time that is left.
 */
async function untake(
  ctx: HandlerContext,
  call: CoverCall,
  rotationName: string,
  err: unknown,
  now: Date,
): Promise<void> {
  if (err instanceof UsageError && err.code === "cover_nothing") {
    const left = Math.max(1, Date.parse(call.to) - now.getTime());
    await ctx.oncall.putDraft(
      "cover",
      closedId(call.id),
      JSON.stringify({ closed: now.toISOString() }),
      left,
    );
    if (!call.channelId) return;
    const key = callKey(call);
    await ctx.outbox.send({
      key: `${key}-closed`,
      platform: call.platform,
      op: {
        kind: "update",
        channelId: call.channelId,
        ref: key,
        message: ctx.render("oncall-cover-closed", {
          asker: personVars(ctx, call.platform, call.asker),
          rotation: rotationName,
        }),
      },
    });
    return;
  }
  const left = Date.parse(call.to) - now.getTime();
  if (left > 0) await ctx.oncall.putDraft("cover", call.id, JSON.stringify(call), left);
}

/**
 * What became of a call whose draft is gone before its end: "closed", or who took it (from the override its
 * taking wrote). The winner takes the draft a moment before that write (or the closed record) lands, so a
 * click racing it looks a few times before saying only "someone" took it.
 */
async function outcomeOf(
  ctx: HandlerContext,
  rotation: string,
  callId: string,
  now: Date,
): Promise<{ closed: true } | { taker?: string }> {
  const id = coverOverrideId(callId);
  for (let attempt = 0; attempt < TAKER_LOOKS; attempt++) {
    if ((await ctx.oncall.peekDraft("cover", closedId(callId))) !== null) return { closed: true };
    const found = (await ctx.oncall.overrides(rotation, now)).find(
      (o) => o.id === id || o.id.startsWith(`${id}.`),
    );
    if (found) return { taker: found.personId };
    await new Promise((resolve) => setTimeout(resolve, TAKER_LOOK_EVERY_MS));
  }
  return {};
}

/** The asker is not on call: they take over from whoever is, from now for the duration. */
async function takeOver(
  ctx: HandlerContext,
  inbound: Inbound,
  person: Person,
  rotation: OncallRotation,
  now: Date,
  durationMs: number,
): Promise<void> {
  requireAllowed(ctx, inbound, rotation, "take over in it");
  const id = changeId(inbound);
  const zone = zoneOf(ctx, inbound);
  const to = new Date(now.getTime() + durationMs);
  let plan: CoverPlan | undefined;
  let replaced: string | null = null;
  const versions = await writeOverrides(ctx, rotation, now, (current) => {
    replaced = onCallAt(rotation, indexOverrides(current), now).personId;
    plan = planCover(ctx.settings, rotation, current, {
      id: coverOverrideId(id),
      personId: person.id,
      replaces: replaced,
      from: now,
      to,
      kind: "cover",
      by: person.id,
      at: now,
      zone,
    });
    return plan.change;
  });
  if (!plan) return;
  const on: string | null = replaced;
  // Told first, so the answer names who was told and who could not be.
  const told = await tellMovedPeople(
    ctx,
    rotation,
    versions,
    { from: now, to },
    { kind: "cover", by: person.id },
    `oncall/${rotation.id}/cover-${id}`,
    [person.id],
  );
  await reply(
    ctx,
    inbound,
    ctx.render("oncall-cover-made", {
      rotation: rotation.name ?? rotation.id,
      ...(on !== null && { replaces: personVars(ctx, inbound.platform, on) }),
      windows: plan.windows.map((w) => ({ from: w.from.toISOString(), to: w.to.toISOString() })),
      timezone: zone,
      told: toldVars(ctx, inbound.platform, told),
    }),
  );
}
