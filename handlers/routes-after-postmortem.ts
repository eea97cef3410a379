/** Routes of this part of "after the incident": `/incident postmortem [@owner]` and `postmortem done`. */
import { markPostmortemDone, openPostmortem } from "./postmortem.js";
import type { RouteTable } from "./routes.js";

export const afterPostmortemRoutes: RouteTable = {
  commands: {
    postmortem: (ctx, inbound, command) => openPostmortem(ctx, inbound, command.owner),
    postmortem_done: (ctx, inbound) => markPostmortemDone(ctx, inbound),
  },
};
