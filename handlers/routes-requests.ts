import { ActionIds } from "../src/core/action-ids.js";
import { promoteRequest, promoteTarget } from "./promote.js";
import { markRequestDone } from "./request-done.js";
import type { RouteTable } from "./routes.js";

/** The commands, buttons and forms of the requests work: promoting a change or guidance request, marking one done. */
export const requestsRoutes: RouteTable = {
  commands: {
    promote: (ctx, inbound, cmd) => promoteRequest(ctx, inbound, promoteTarget(cmd.incidentNumber)),
  },
  actions: {
    [ActionIds.promote]: (ctx, inbound, value) => promoteRequest(ctx, inbound, value || undefined),
    [ActionIds.requestDone]: (ctx, inbound, value) => markRequestDone(ctx, inbound, value || undefined),
  },
};
