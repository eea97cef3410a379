import type { RouteTable } from "./routes.js";

/** The commands, buttons and forms of the requests work. */
export const requestsRoutes: RouteTable = {};
