/** GET /metrics (Prometheus). STUB: signature fixed; body to be written. */
import { Router } from "express";
import type { HandlerContext } from "../../handlers/context.js";
import type { OpsStats } from "../core/ports.js";

export function createMetricsRouter(_ctx: HandlerContext, _stats: OpsStats): Router {
  return Router();
}
