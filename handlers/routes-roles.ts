import type { RouteTable } from "./routes.js";

/** The commands, buttons and forms of the roles work. */
export const rolesRoutes: RouteTable = {};
