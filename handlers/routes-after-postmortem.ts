/** Routes of this part of "after the incident": commands, buttons and forms (see routes.ts). */
import type { RouteTable } from "./routes.js";

export const afterPostmortemRoutes: RouteTable = {};
