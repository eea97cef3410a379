import { resolveIncident } from "./resolve.js";
import type { RouteTable } from "./routes.js";

/** The commands, buttons and forms of the lifecycle work. */
export const lifecycleRoutes: RouteTable = {
  commands: {
    resolve: (ctx, inbound, cmd) => resolveIncident(ctx, inbound, cmd.summary),
  },
};
