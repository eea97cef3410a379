import { ActionIds } from "../src/core/action-ids.js";
import { parseFreeText, TEXT_MAX } from "../src/core/commands/text.js";
import { NotFoundError, UsageError } from "../src/core/errors.js";
import { waitingFor, wasAsked } from "../src/core/incident/confirmation.js";
import { type Incident, incidentId, parseIncidentId, updateOwner } from "../src/core/incident/incident.js";
import { enterState, transition } from "../src/core/incident/lifecycle.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import { stopTimer } from "../src/core/incident/timers.js";
import type { Form } from "../src/core/message.js";
import type { Inbound } from "../src/core/ports.js";
import { type HandlerContext, replyTarget } from "./context.js";
import { incidentFor, requireOwnPlatform } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { stateAnnouncement, stateChangeKeys } from "./lifecycle-news.js";
import { refusalError, requireTransition } from "./lifecycle-refusal.js";
import { channelPost, directItem, incidentKey, incidentNews, reply } from "./outbox-items.js";
import { reopenedIncident } from "./reopen.js";
import type { FormRoute } from "./routes.js";
import { updateIncident } from "./timers.js";

/**
 * The reporters' answers to "is it fixed for you?" (the DM sent on resolve): "Fixed for me" records their
 * confirmation and closes the incident once every reporter asked has confirmed; "Still broken" asks what still
 * fails and reopens it with their note. Only the reporters asked may answer; both buttons carry the incident id.
 */

const ids = (users: readonly string[]) => users.map((id) => ({ id }));

/** The incident a button or a form names (its value or state). */
function incidentIdOf(value: string | undefined): string {
  const n = value === undefined ? null : parseIncidentId(value);
  if (n === null) throw new NotFoundError("This button names no incident; it may come from an old message.");
  return incidentId(n);
}

/** Where to tell the responders instead, as plain text for a refusal. */
function channelHint(incident: Incident): string {
  return incident.channel ? `in #${incident.channel.name}` : "where it was reported";
}

function requireAsked(incident: Incident, actor: string): void {
  if (wasAsked(incident, actor)) return;
  throw new UsageError(
    `Only the reporters asked to confirm the fix of ${incident.id} can answer this. If it still fails for you, tell the responders ${channelHint(incident)}. Nothing was changed.`,
    "not_asked",
  );
}

/** "Fixed for me". A second click only answers that it was already counted. */
export async function confirmFixed(ctx: HandlerContext, inbound: Inbound, value?: string): Promise<void> {
  const id = incidentIdOf(value);
  const actor = inbound.actor;
  const now = ctx.clock.now();
  const { incident: updated, changed } = await updateIncident(ctx, id, (current) => {
    // The actor is an id of the platform the click came from: meaningful only on the incident's own.
    requireOwnPlatform(current, inbound);
    requireAsked(current, actor);
    const asked = current.confirmation as NonNullable<Incident["confirmation"]>;
    const close = transition(current, "confirm");
    // Counted already, while this resolution stands; a click from before a reopen is refused below instead.
    if (asked.confirmed.includes(actor) && (close.ok || current.state === "closed")) return null;
    if (!close.ok) throw refusalError(current, "confirm", close);
    const confirmation = { ...asked, confirmed: [...asked.confirmed, actor] };
    const confirmed = timelineEvent("reporter_confirmed", now, {}, actor);
    if (waitingFor(confirmation).length > 0) {
      return { incident: { ...current, confirmation, updatedAt: now.toISOString() }, events: [confirmed] };
    }
    return {
      incident: {
        ...enterState(current, close.to, now),
        confirmation,
        closeReason: "confirmed",
        timers: stopTimer(current, "confirmation"),
      },
      events: [
        confirmed,
        timelineEvent("status_changed", now, { from: close.from, to: close.to, reason: "confirmed" }, actor),
      ],
    };
  });
  const vars = incidentVars(ctx, updated);
  if (!changed) {
    await reply(ctx, inbound, ctx.render("already-confirmed", vars));
    return;
  }
  const confirmation = updated.confirmation as NonNullable<Incident["confirmation"]>;
  const waiting = ids(waitingFor(confirmation));
  const thanks = ctx.render("confirm-thanks", {
    ...vars,
    closed: updated.state === "closed",
    waitingFor: waiting,
  });
  if (updated.state !== "closed") {
    // One confirmation per reporter per resolve, and each resolve arms a new generation of the window.
    const round = updated.timers?.confirmation?.gen ?? 0;
    await ctx.outbox.send(
      ...channelPost(
        updated,
        incidentKey(updated, `confirmed-c${round}-${actor}`),
        ctx.render("reporter-confirmed", { ...vars, actor, waitingFor: waiting }),
      ),
    );
    await reply(ctx, inbound, thanks);
    return;
  }
  const post = ctx.render("incident-closed", {
    ...vars,
    timedOut: false,
    confirmedBy: ids(confirmation.confirmed),
    waitingFor: [],
  });
  await ctx.outbox.send(
    ...(await incidentNews(ctx, updated, stateChangeKeys(updated), {
      post,
      announcement: stateAnnouncement(ctx, updated),
      notify: { actor },
    })),
  );
  await reply(ctx, inbound, thanks);
}

/** The form "Still broken" opens: what still fails, required; its state carries the incident id. */
export function stillBrokenForm(incident: Pick<Incident, "id">): Form {
  return {
    callbackId: ActionIds.stillBrokenForm,
    title: `Still broken: ${incident.id}`,
    submitLabel: "Reopen",
    state: incident.id,
    fields: [
      {
        id: "note",
        label: "What still fails for you?",
        kind: "textarea",
        maxLength: TEXT_MAX,
        placeholder: "Search still times out for queries with filters.",
        hint: `${incident.id} is reopened with your note, posted in its channel; the people working on it are told.`,
      },
    ],
  };
}

/** "Still broken": checks it can be said now, then asks what still fails. */
export async function openStillBrokenForm(
  ctx: HandlerContext,
  inbound: Inbound,
  value?: string,
): Promise<void> {
  const incident = await incidentFor(ctx, inbound, "reopen", incidentIdOf(value));
  requireAsked(incident, inbound.actor);
  const reopen = transition(incident, "still_broken");
  if (!reopen.ok) throw refusalError(incident, "still_broken", reopen);
  if (!inbound.triggerId) {
    throw new UsageError(
      `This chat cannot open a form here: reopen ${incident.id} with \`/incident reopen\` ${channelHint(incident)} and say there what still fails. Nothing was changed.`,
      "no_form",
    );
  }
  await ctx
    .platform(inbound.platform)
    .openForm(inbound.triggerId, stillBrokenForm(incident), replyTarget(inbound));
}

const noteOf = (values: Record<string, string>) => parseFreeText(values.note ?? "", "What still fails");

/** The still-broken form: the incident reopens with the reporter's note, and whoever owns updates is told. */
export const stillBrokenFormRoute: FormRoute = {
  check(values) {
    const note = noteOf(values);
    if (!note.ok) return { note: note.message };
    if (!note.text) return { note: "Say what still fails, so the people working on it know where to look." };
    return null;
  },
  async run(ctx, inbound, values, state) {
    const note = noteOf(values);
    if (!note.ok || !note.text) return; // `check` refused it before the ack
    await stillBroken(ctx, inbound, incidentIdOf(state), note.text);
  },
};

async function stillBroken(ctx: HandlerContext, inbound: Inbound, id: string, note: string): Promise<void> {
  const actor = inbound.actor;
  const now = ctx.clock.now();
  const { incident: updated } = await updateIncident(ctx, id, (current) => {
    requireOwnPlatform(current, inbound);
    requireAsked(current, actor);
    const { from, to } = requireTransition(current, "still_broken");
    return {
      incident: reopenedIncident(current, to, ctx.settings, now),
      events: [
        timelineEvent("reporter_still_broken", now, { note }, actor),
        timelineEvent("status_changed", now, { from, to, reason: "still_broken" }, actor),
      ],
    };
  });
  const vars = incidentVars(ctx, updated);
  const keys = stateChangeKeys(updated);
  const owner = updateOwner(updated)?.platformUserId;
  const ownerDm =
    owner && owner !== actor
      ? [
          directItem(
            updated,
            `${keys.post}-owner`,
            owner,
            ctx.render("still-broken-dm", { ...vars, actor, note }),
          ),
        ]
      : [];
  await ctx.outbox.send(
    ...(await incidentNews(ctx, updated, keys, {
      post: ctx.render("still-broken", { ...vars, actor, note, owner }),
      announcement: stateAnnouncement(ctx, updated, { actor, note }),
      notify: { actor },
    })),
    ...ownerDm,
  );
  await reply(ctx, inbound, ctx.render("still-broken-thanks", { ...vars, owner }));
}
