/**
 * Calendar feeds: `GET /oncall/<rotation>.ics?token=…`. STUB: signature fixed; body to be written.
 */
import { Router } from "express";
import type { HandlerContext } from "../../handlers/context.js";

export function createCalendarRouter(_ctx: HandlerContext): Router {
  return Router();
}
