import type { RouteTable } from "./routes.js";

/** The commands, buttons and forms of the records work. */
export const recordsRoutes: RouteTable = {};
