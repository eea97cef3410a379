/** Routes of this part of "after the incident": `/incident postmortem` and `postmortem done`. */
import { markPostmortemDone, openPostmortem } from "./postmortem.js";
import type { RouteTable } from "./routes.js";

export const afterPostmortemRoutes: RouteTable = {
  commands: {
    postmortem: (ctx, inbound) => openPostmortem(ctx, inbound),
    postmortem_done: (ctx, inbound) => markPostmortemDone(ctx, inbound),
  },
};
