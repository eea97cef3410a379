/** On-call routes of this part: commands, buttons and forms (see routes.ts). */
import type { RouteTable } from "./routes.js";

export const oncallCalendarRoutes: RouteTable = {};
