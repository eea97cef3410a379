/**
 * `/incident oncall [service|rotation]` (and the mention `@firebreak who is on call for search?`): who is on
 * call now and next, answered only to the asker, with times in their zone.
 *
 * - Nothing named: every rotation, who is on now (until when) and the next two changes of person.
 * - A rotation: the same with more of what comes next (three changes within four weeks).
 * - A service: its owner, the policy that pages it (its own, or fallback_policy, said so), and who that
 *   policy's FIRST step reaches now and next: rotations through their duty, people always. The first step is
 *   who an incident opened now would page; later steps are escalation.
 *
 * An id that is both a service and a rotation is read as the service: its answer includes the rotation when
 * the service's policy pages it.
 */
import { closeMatches, orList } from "../src/core/commands/suggest.js";
import { UsageError } from "../src/core/errors.js";
import { policyForService } from "../src/core/oncall/commander.js";
import { nowAndNext } from "../src/core/oncall/duty.js";
import type { OverrideIndex } from "../src/core/oncall/override-index.js";
import type { DutySegment, OncallRotation } from "../src/core/oncall/types.js";
import type { Platform } from "../src/core/platform.js";
import type { Inbound } from "../src/core/ports.js";
import type {
  DutyPersonVars,
  DutyStretchVars,
  RotationDutyVars,
} from "../src/core/templates/registry-oncall-duty.js";
import type { HandlerContext } from "./context.js";
import { itemsThatFit } from "./fit-items.js";
import { personVars } from "./oncall-people.js";
import { findRotation, loadOverrides } from "./oncall-state.js";
import { reply, zoneOf } from "./outbox-items.js";
import type { CommandRoute } from "./routes.js";

const WEEK_MS = 7 * 86_400_000;
/** How far ahead "next" looks: far enough for a weekly rotation's next few handoffs. */
const HORIZON_MS = 4 * WEEK_MS;
/** Changes of person shown per rotation: in the overview, for one rotation, for a service's targets. */
const CHANGES = { overview: 2, rotation: 3, service: 1 } as const;

function stretchVars(
  ctx: HandlerContext,
  rotation: OncallRotation,
  segment: DutySegment,
  platform: Platform,
): DutyStretchVars {
  const { source } = segment;
  const layer =
    source.kind === "layer" && rotation.layers.length > 1 ? rotation.layers[source.layer]?.name : undefined;
  return {
    nobody: segment.personId === null,
    ...(segment.personId !== null && { person: personVars(ctx, platform, segment.personId) }),
    from: segment.from.toISOString(),
    to: segment.to.toISOString(),
    ...(layer && { layer }),
    ...(source.kind === "override" && {
      override: {
        by: personVars(ctx, platform, source.override.by),
        kind: source.override.kind,
        planned: source.override.kind === "plan",
      },
    }),
  };
}

function rotationVars(
  ctx: HandlerContext,
  rotation: OncallRotation,
  overrides: OverrideIndex,
  now: Date,
  changes: number,
  platform: Platform,
): RotationDutyVars {
  const { current, next } = nowAndNext(rotation, overrides, now, changes, HORIZON_MS);
  return {
    id: rotation.id,
    ...(rotation.name && { name: rotation.name }),
    now: stretchVars(ctx, rotation, current, platform),
    next: next.map((s) => stretchVars(ctx, rotation, s, platform)),
    horizon: HORIZON_MS,
    steady: next.length === 0 && current.to.getTime() >= now.getTime() + HORIZON_MS,
  };
}

async function rotationsAnswer(
  ctx: HandlerContext,
  inbound: Inbound,
  rotations: readonly OncallRotation[],
  single: boolean,
): Promise<void> {
  const now = ctx.clock.now();
  const timezone = zoneOf(ctx, inbound);
  const changes = single ? CHANGES.rotation : CHANGES.overview;
  const all = await Promise.all(
    rotations.map(async (r) =>
      rotationVars(ctx, r, await loadOverrides(ctx, r.id, now), now, changes, inbound.platform),
    ),
  );
  const render = (shown: readonly RotationDutyVars[], omitted: number) =>
    ctx.render("oncall-who", { timezone, single, none: all.length === 0, rotations: shown, omitted });
  const fit = itemsThatFit(all, render);
  await reply(ctx, inbound, render(all.slice(0, fit), all.length - fit), "oncall-who");
}

async function serviceAnswer(
  ctx: HandlerContext,
  inbound: Inbound,
  service: { id: string; name?: string; owner?: string },
): Promise<void> {
  const now = ctx.clock.now();
  const { policy, fallback } = policyForService(ctx.settings, service.id);
  const targets: { rotation?: RotationDutyVars; person?: DutyPersonVars }[] = [];
  for (const target of policy?.steps[0]?.notify ?? []) {
    if (target.kind === "person") {
      targets.push({ person: personVars(ctx, inbound.platform, target.id) });
      continue;
    }
    const rotation = findRotation(ctx.settings, target.id);
    // The config loader refuses a policy naming an unknown rotation; nothing to show if one slipped by.
    if (!rotation) continue;
    const overrides = await loadOverrides(ctx, rotation.id, now);
    targets.push({
      rotation: rotationVars(ctx, rotation, overrides, now, CHANGES.service, inbound.platform),
    });
  }
  const reachesSomeone = targets.some((t) => t.person || (t.rotation && !t.rotation.now.nobody));
  await reply(
    ctx,
    inbound,
    ctx.render("oncall-who-service", {
      timezone: zoneOf(ctx, inbound),
      service: {
        id: service.id,
        ...(service.name && { name: service.name }),
        ...(service.owner && { owner: service.owner }),
      },
      ...(policy && { policy: policy.id }),
      fallback,
      targets,
      nobody: Boolean(policy) && !reachesSomeone,
    }),
    "oncall-who",
  );
}

/** The refusal for an id that is neither a service nor a rotation: what there is, and the nearest match. */
function unknownTarget(ctx: HandlerContext, id: string): UsageError {
  const rotations = ctx.settings.rotations.map((r) => r.id);
  const services = ctx.settings.services.map((s) => s.id);
  const near = closeMatches(id, [...services, ...rotations]);
  const list = (what: string, ids: string[]) =>
    ids.length > 0
      ? `${what}: ${ids.map((i) => `\`${i}\``).join(", ")}.`
      : `No ${what.toLowerCase()} are configured.`;
  return new UsageError(
    `There is no service or rotation \`${id}\`.${near.length > 0 ? ` Did you mean ${orList(near)}?` : ""} ` +
      `${list("Services", services)} ${list("Rotations", rotations)}`,
    "unknown_oncall_target",
  );
}

export const whoIsOnCall: CommandRoute<"oncall"> = async (ctx, inbound, command) => {
  const target = command.target;
  if (!target) return rotationsAnswer(ctx, inbound, ctx.settings.rotations, false);
  const service = ctx.settings.services.find((s) => s.id === target);
  if (service) return serviceAnswer(ctx, inbound, service);
  const rotation = findRotation(ctx.settings, target);
  if (rotation) return rotationsAnswer(ctx, inbound, [rotation], true);
  throw unknownTarget(ctx, target);
};
