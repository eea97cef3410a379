/** GET /status and /incidents/INC-n: the status pages. STUB: signature fixed; body to be written. */
import { Router } from "express";
import type { HandlerContext } from "../../handlers/context.js";

export function createStatusRouter(_ctx: HandlerContext, _options: { token?: string }): Router {
  return Router();
}
