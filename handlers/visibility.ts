import { UsageError } from "../src/core/errors.js";
import type { Incident } from "../src/core/incident/incident.js";
import { authorize } from "../src/core/incident/permissions.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentIdInConversation } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { channelPost, incidentKey, reply } from "./outbox-items.js";
import { notAllowed } from "./permission.js";
import { updateIncident } from "./timers.js";
import { webLink } from "./web-links.js";

/**
 * `/incident visibility <public|private>`, typed in the incident channel: whether the incident appears on
 * the public status page (`/status`, `/incidents/INC-n`). A private incident is left out of the pages
 * entirely (not even counted), so turning it private hides everything it had shown.
 *
 * Who may: the people who decide what is said about an incident in public, i.e. the commander, the managers
 * and the admins (the rule of designating a commander: `designate` in core/incident/permissions.ts); as for
 * every reserved action, anyone may while nobody commands it. The channel is told, because everyone there
 * writes the updates the page shows.
 */
export async function setVisibility(
  ctx: HandlerContext,
  inbound: Inbound,
  makePrivate: boolean,
): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "visibility");
  const now = ctx.clock.now();
  const { incident } = await updateIncident(ctx, id, (current) => {
    requireMayChangeVisibility(ctx, current, inbound.actor);
    const was = current.private === true;
    if (was === makePrivate) {
      throw new UsageError(
        makePrivate
          ? `${current.id} is already private: it does not appear on the status page. Nothing was changed.`
          : `${current.id} is already public: it appears on the status page. Nothing was changed.`,
        "same_visibility",
      );
    }
    const { private: _dropped, ...rest } = current;
    return {
      incident: { ...rest, ...(makePrivate && { private: true }), updatedAt: now.toISOString() },
      events: [
        timelineEvent(
          "visibility_changed",
          now,
          { from: was ? "private" : "public", to: makePrivate ? "private" : "public" },
          inbound.actor,
        ),
      ],
    };
  });
  const message = ctx.render("visibility-changed", {
    ...incidentVars(ctx, incident),
    actor: inbound.actor,
    private: makePrivate,
    ...(!makePrivate && incident.kind === "incident" && { page: statusLink(ctx, incident) }),
  });
  const posted = channelPost(
    incident,
    incidentKey(incident, `visibility-${inbound.platform}-${inbound.deliveryId}`),
    message,
  );
  // Without a channel (a change or guidance request, or a channel that could not be made) the person hears it.
  if (posted.length) await ctx.outbox.send(...posted);
  else await reply(ctx, inbound, message, "visibility");
}

/** The commander, a manager or an admin (anyone while nobody commands it); else a refusal naming them. */
function requireMayChangeVisibility(ctx: HandlerContext, incident: Incident, actor: string): void {
  const result = authorize(ctx.settings, incident, actor, "designate");
  if (result.ok) return;
  throw notAllowed(incident, "change the visibility of", [
    { role: "commander", people: result.people },
    { role: "manager", people: result.managers },
    { role: "admin", people: result.admins },
  ]);
}

/** The incident's page on the status site, with the page token when one is set (as the calendar links). */
export function statusLink(ctx: HandlerContext, incident: Pick<Incident, "id">): string {
  return webLink(ctx, `/incidents/${incident.id}`, ctx.webTokens.status);
}
