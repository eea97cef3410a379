import type { Incident } from "../src/core/incident/incident.js";
import { requestCardKey } from "../src/core/incident/requests.js";
import type { OutboxItem } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentVars } from "./incident-vars.js";
import { announceItems, directItem, incidentItem, incidentKey, reporterReply } from "./outbox-items.js";

/**
 * The chat side of a change or guidance request: its card in the conversation it was asked in (where an
 * incident would have a channel), edited in place as it ends, and the few messages around it. Keys follow
 * outbox-items.ts: `<id>/request-…`, never reused, so a retry sends nothing twice.
 */

/** Where the request is tracked: the conversation it was asked in and the key of its card there. */
export function requestThread(incident: Pick<Incident, "id" | "origin">): NonNullable<Incident["thread"]> {
  return { conversationId: incident.origin.conversationId, key: requestCardKey(incident) };
}

/** The kind, for templates, which choose their own words for it. */
function kindVars(incident: Incident): { change: boolean; guidance: boolean } {
  // A promoted request is kind "incident" by now; its card still speaks of what was asked.
  const guidance = incident.kind === "guidance_request";
  return { change: !guidance, guidance };
}

function cardVars(
  ctx: HandlerContext,
  incident: Incident,
  end: { done?: string } | { promoted: string } | null,
  wasKind?: Incident["kind"],
): Record<string, unknown> {
  return {
    ...incidentVars(ctx, incident),
    ...kindVars(wasKind ? { ...incident, kind: wasKind } : incident),
    open: end === null,
    ...(end && "done" in end && { done: true, doneBy: end.done }),
    ...(end && "promoted" in end && { promoted: true, promotedBy: end.promoted }),
  };
}

/** What opening a request sends: its card where it was asked, the announcement, and the asker's answer. */
export async function requestOpenedItems(ctx: HandlerContext, incident: Incident): Promise<OutboxItem[]> {
  const thread = incident.thread;
  if (!thread) return [];
  const vars = incidentVars(ctx, incident);
  const card = incidentItem(incident, thread.key, {
    kind: "post",
    channelId: thread.conversationId,
    message: ctx.render("request-card", cardVars(ctx, incident, null)),
  });
  const announcement = await announceItems(
    ctx,
    incident,
    incidentKey(incident, "request-announcement"),
    ctx.render("request-announcement", {
      ...vars,
      ...kindVars(incident),
      conversation: thread.conversationId,
    }),
  );
  const answer = reporterReply(
    incident,
    incidentKey(incident, "request-opened-reply"),
    ctx.render("request-opened-reply", {
      ...vars,
      ...kindVars(incident),
      conversation: thread.conversationId,
    }),
  );
  return [card, ...announcement, answer];
}

/** The card edited in place; `what` names the edit in its key (each edit needs a key of its own). */
function cardEdit(
  ctx: HandlerContext,
  incident: Incident,
  what: string,
  vars: Record<string, unknown>,
): OutboxItem[] {
  const thread = incident.thread;
  if (!thread) return [];
  return [
    incidentItem(incident, incidentKey(incident, `request-card-${what}`), {
      kind: "update",
      channelId: thread.conversationId,
      ref: thread.key,
      message: ctx.render("request-card", vars),
    }),
  ];
}

/** Marked done: the card says so and loses its buttons; whoever asked hears it, unless they did it. */
export function requestDoneItems(ctx: HandlerContext, incident: Incident, actor: string): OutboxItem[] {
  const requester = incident.reporters[0]?.platformUserId;
  return [
    ...cardEdit(ctx, incident, "done", cardVars(ctx, incident, { done: actor })),
    ...(requester && requester !== actor
      ? [
          directItem(
            incident,
            incidentKey(incident, "request-done-dm"),
            requester,
            ctx.render("request-done-dm", { ...incidentVars(ctx, incident), ...kindVars(incident), actor }),
          ),
        ]
      : []),
  ];
}

/**
 * Promoted, once the incident channel exists (or could not be created): the card says where the incident is
 * followed and loses its buttons; whoever asked hears it by DM, unless they promoted it themselves.
 */
export function requestPromotedItems(
  ctx: HandlerContext,
  incident: Incident,
  wasKind: Incident["kind"],
  promoter: string | undefined,
): OutboxItem[] {
  const requester = incident.reporters[0]?.platformUserId;
  const by = promoter ?? "";
  return [
    ...cardEdit(ctx, incident, "promoted", cardVars(ctx, incident, { promoted: by }, wasKind)),
    ...(requester && requester !== promoter
      ? [
          directItem(
            incident,
            incidentKey(incident, "request-promoted-dm"),
            requester,
            ctx.render("request-promoted-dm", { ...incidentVars(ctx, incident), actor: by }),
          ),
        ]
      : []),
  ];
}
