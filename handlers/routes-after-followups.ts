/** Routes of follow-ups: `followup <text> [@owner]`, `followup done|reopen <n>`, `followups`. */
import { addFollowupCommand, listFollowups, markFollowup } from "./followups.js";
import type { RouteTable } from "./routes.js";

export const afterFollowupsRoutes: RouteTable = {
  commands: {
    followup: (ctx, inbound, cmd) => addFollowupCommand(ctx, inbound, cmd.text, cmd.owner),
    followup_done: (ctx, inbound, cmd) => markFollowup(ctx, inbound, cmd.n, true),
    followup_reopen: (ctx, inbound, cmd) => markFollowup(ctx, inbound, cmd.n, false),
    followups: (ctx, inbound) => listFollowups(ctx, inbound),
  },
};
