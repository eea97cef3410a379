/** Routes of this part of "after the incident": commands, buttons and forms (see routes.ts). */
import type { RouteTable } from "./routes.js";
import { setVisibility } from "./visibility.js";

export const afterStatusRoutes: RouteTable = {
  commands: {
    visibility: (ctx, inbound, cmd) => setVisibility(ctx, inbound, cmd.private),
  },
};
