import { helpEntries } from "../src/core/commands/help.js";
import type { Message } from "../src/core/message.js";
import type { HandlerContext } from "./context.js";

/**
 * `/incident help [command]` and `@firebreak help`: one line per command (only those of `topic` when it names
 * some), answered in the ack itself.
 */
export function helpMessage(ctx: HandlerContext, prefix: string, topic?: string): Message {
  return ctx.render("help", {
    prefix,
    commands: helpEntries(topic).map((h) => ({ usage: h.usage, summary: h.description })),
  });
}
