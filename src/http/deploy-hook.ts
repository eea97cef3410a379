/** POST /hooks/deploy: deploys reaching recorded fixes. STUB: signature fixed; body to be written. */
import { Router } from "express";
import type { HandlerContext } from "../../handlers/context.js";

export function createDeployHookRouter(_ctx: HandlerContext, _options: { secret?: string }): Router {
  return Router();
}
