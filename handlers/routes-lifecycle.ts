import { ActionIds } from "../src/core/action-ids.js";
import { confirmFixed, openStillBrokenForm, stillBrokenFormRoute } from "./confirmation.js";
import { deployedCommand } from "./deployed.js";
import { recordFix } from "./fix.js";
import { reopenIncident } from "./reopen.js";
import { resolveIncident } from "./resolve.js";
import type { RouteTable } from "./routes.js";
import { changeStatus } from "./status-change.js";

/** The commands, buttons and forms of the lifecycle: status changes, fixes, deploys, resolving, confirming. */
export const lifecycleRoutes: RouteTable = {
  commands: {
    status: (ctx, inbound, cmd) => changeStatus(ctx, inbound, cmd.state),
    fix: (ctx, inbound, cmd) => recordFix(ctx, inbound, cmd.ref, cmd.refKind),
    deployed: (ctx, inbound) => deployedCommand(ctx, inbound),
    resolve: (ctx, inbound, cmd) => resolveIncident(ctx, inbound, cmd.summary),
    reopen: (ctx, inbound) => reopenIncident(ctx, inbound),
  },
  actions: {
    [ActionIds.confirmFixed]: confirmFixed,
    [ActionIds.stillBroken]: openStillBrokenForm,
  },
  forms: {
    [ActionIds.stillBrokenForm]: stillBrokenFormRoute,
  },
};
