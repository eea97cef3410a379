import { HELP } from "../src/core/commands/help.js";
import type { Message } from "../src/core/message.js";
import type { HandlerContext } from "./context.js";

/** `/incident help` and `@firebreak help`: every command with one line, answered in the ack itself. */
export function helpMessage(ctx: HandlerContext, prefix: string): Message {
  return ctx.render("help", {
    prefix,
    commands: HELP.map((h) => ({ usage: h.usage, summary: h.description })),
  });
}
