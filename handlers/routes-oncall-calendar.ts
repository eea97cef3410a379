/** On-call routes of this part: commands, buttons and forms (see routes.ts). */
import { calendarCommand } from "./oncall-calendar.js";
import type { RouteTable } from "./routes.js";

export const oncallCalendarRoutes: RouteTable = {
  commands: { oncall_calendar: calendarCommand },
};
