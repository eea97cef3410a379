/** On-call routes of this part: commands, buttons and forms (see routes.ts). */
import { whoIsOnCall } from "./oncall-who.js";
import type { RouteTable } from "./routes.js";

/** `oncall [service|rotation]`, also asked as a mention: `who is on call for search?`. */
export const oncallWhoRoutes: RouteTable = {
  commands: { oncall: whoIsOnCall },
};
