import { ActionIds } from "../src/core/action-ids.js";
import { parseIncidentId } from "../src/core/incident/incident.js";
import { listIncidents } from "./incident-list.js";
import { mergeIncident } from "./merge.js";
import { addNote } from "./note.js";
import { pinToTimeline } from "./pushpin.js";
import type { RouteTable } from "./routes.js";
import { showIncident } from "./show.js";
import { subscribeTo, unsubscribeFrom } from "./subscriptions.js";
import { showTimeline } from "./timeline-view.js";

/** The commands, buttons and reactions of the records work: merging, subscriptions, the timeline, the overview. */
export const recordsRoutes: RouteTable = {
  commands: {
    merge: (ctx, inbound, cmd) => mergeIncident(ctx, inbound, cmd.incidentNumber),
    subscribe: (ctx, inbound, cmd) => subscribeTo(ctx, inbound, cmd.incidentNumber),
    unsubscribe: (ctx, inbound, cmd) => unsubscribeFrom(ctx, inbound, cmd.incidentNumber),
    note: (ctx, inbound, cmd) => addNote(ctx, inbound, cmd.text),
    timeline: (ctx, inbound, cmd) => showTimeline(ctx, inbound, cmd.incidentNumber),
    list: (ctx, inbound) => listIncidents(ctx, inbound),
    show: (ctx, inbound, cmd) => showIncident(ctx, inbound, cmd.incidentNumber),
  },
  actions: {
    // The announcement's "Subscribe" button; its value is the incident id.
    [ActionIds.subscribe]: async (ctx, inbound, value) => {
      const n = parseIncidentId(value ?? "");
      if (n !== null) await subscribeTo(ctx, inbound, n);
    },
  },
  reactions: {
    pushpin: (ctx, inbound, messageId) => pinToTimeline(ctx, inbound, messageId),
  },
};
