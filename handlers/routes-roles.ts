import { ActionIds } from "../src/core/action-ids.js";
import { offerCommand } from "./commander-offer.js";
import { nameComms } from "./comms.js";
import { handoff, handoffFormRoute } from "./handoff.js";
import { askForHelp, takeHelpClick } from "./help-wanted.js";
import { joinIncident } from "./join.js";
import { acceptOfferClick, declineFormRoute, declineOfferClick } from "./offer-answer.js";
import type { RouteTable } from "./routes.js";

/** The commands, buttons and forms of the roles work. */
export const rolesRoutes: RouteTable = {
  commands: {
    commander: (ctx, inbound, cmd) => offerCommand(ctx, inbound, { kind: "designation", userId: cmd.user }),
    handoff,
    comms: nameComms,
    join: (ctx, inbound) => joinIncident(ctx, inbound),
    help_wanted: askForHelp,
  },
  actions: {
    [ActionIds.offerAccept]: acceptOfferClick,
    [ActionIds.offerDecline]: declineOfferClick,
    [ActionIds.helpTake]: takeHelpClick,
  },
  forms: {
    [ActionIds.offerDeclineForm]: declineFormRoute,
    [ActionIds.handoffForm]: handoffFormRoute,
  },
};
