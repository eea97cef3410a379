import { type DutyReach, serviceCatalog } from "../src/core/oncall/catalog.js";
import type { Inbound } from "../src/core/ports.js";
import type { CatalogServiceVars, DutyReachVars } from "../src/core/templates/registry-oncall-catalog.js";
import type { HandlerContext } from "./context.js";
import { itemsThatFit } from "./fit-items.js";
import { loadBook } from "./oncall-state.js";
import { reply, zoneOf } from "./outbox-items.js";

/**
 * `/incident services`: the service catalog, answered to the asker only. For each service its owner (or that
 * it has none), the policy that pages for it (its own, or "fallback" when fallback_policy covers it), its backup
 * policy, and who the policy's first step reaches right now, overrides applied, with "until when" in the
 * asker's zone. A service nobody can be paged for is said loudly, as is a missing fallback_policy.
 */
export async function listServices(ctx: HandlerContext, inbound: Inbound): Promise<void> {
  const now = ctx.clock.now();
  const catalog = serviceCatalog(ctx.settings, inbound.platform, now, await loadBook(ctx, now));
  const services = catalog.services.map(
    (s): CatalogServiceVars => ({
      id: s.id,
      name: s.name,
      owner: s.owner,
      policy: s.coverage.policy,
      fallback: Boolean(s.coverage.fallback),
      backup: s.coverage.backup,
      onDuty: s.onDuty.map((r) => reachVars(ctx, r)),
      nobody: s.nobody,
    }),
  );
  const vars = {
    timezone: zoneOf(ctx, inbound),
    empty: services.length === 0,
    ...(catalog.fallback && {
      fallback: {
        policy: catalog.fallback.policy,
        nobody: catalog.fallback.nobody,
        onDuty: catalog.fallback.onDuty.map((r) => reachVars(ctx, r)),
      },
    }),
  };
  const render = (shown: readonly CatalogServiceVars[], omitted: number) =>
    ctx.render("services", { ...vars, services: shown, omitted });
  const fit = itemsThatFit(services, render);
  await reply(ctx, inbound, render(services.slice(0, fit), services.length - fit), "services");
}

function reachVars(ctx: HandlerContext, reach: DutyReach): DutyReachVars {
  const person = reach.personId ? ctx.settings.people.find((p) => p.id === reach.personId) : undefined;
  return {
    label: reach.label,
    rotation: reach.target.kind === "rotation",
    user: reach.userId,
    ...(!reach.userId && reach.personId && { name: person?.name ?? reach.personId }),
    nobody: reach.personId === null,
    until: reach.until?.toISOString(),
    override: reach.override,
  };
}
