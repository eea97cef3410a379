/** GET /api/incidents and /api/incidents.csv: the incident log. STUB: signature fixed; body to be written. */
import { Router } from "express";
import type { HandlerContext } from "../../handlers/context.js";

export function createIncidentLogRouter(_ctx: HandlerContext, _options: { token?: string }): Router {
  return Router();
}
