/** GET /incidents/INC-n/postmortem.md. STUB: signature fixed; body to be written. */
import { Router } from "express";
import type { HandlerContext } from "../../handlers/context.js";

export function createPostmortemRouter(_ctx: HandlerContext, _options: { token?: string }): Router {
  return Router();
}
