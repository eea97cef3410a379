/** On-call routes of this part: the service catalog (see routes.ts). */
import type { RouteTable } from "./routes.js";
import { listServices } from "./services.js";

export const oncallCatalogRoutes: RouteTable = {
  commands: {
    services: (ctx, inbound) => listServices(ctx, inbound),
  },
};
