/** Routes of this part of "after the incident": commands, buttons and forms (see routes.ts). */
import { incidentLogCommand } from "./incident-log-command.js";
import type { RouteTable } from "./routes.js";

export const afterLogRoutes: RouteTable = {
  commands: { log: incidentLogCommand },
};
