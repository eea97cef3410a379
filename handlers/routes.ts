/**
 * How the dispatcher finds the handler for a command, a button, a form or a reaction: each feature exports a
 * `RouteTable` of its own (routes-*.ts) and the dispatcher merges them, refusing at start-up a name that two
 * tables claim. Every route runs after the ack, once per delivery; a `FirebreakError` it throws reaches the
 * person as a short message, anything else as an error id.
 */
import type { CommandName, CommandOf } from "../src/core/commands/schema.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";

export type CommandRoute<N extends CommandName> = (
  ctx: HandlerContext,
  inbound: Inbound,
  command: CommandOf<N>,
) => Promise<void>;

export type CommandRoutes = { [N in CommandName]?: CommandRoute<N> };

/** A button click; `value` is the button's value as the template set it. */
export type ActionRoute = (ctx: HandlerContext, inbound: Inbound, value: string | undefined) => Promise<void>;

/**
 * A form submission. `check` runs before the ack and without I/O: the errors it returns (field id → message)
 * are shown in the form, which stays open, and nothing runs.
 */
export interface FormRoute {
  check?(values: Record<string, string>, state: string | undefined): Record<string, string> | null;
  run(
    ctx: HandlerContext,
    inbound: Inbound,
    values: Record<string, string>,
    state: string | undefined,
  ): Promise<void>;
}

/** A reaction added to a message (by its emoji name without colons, e.g. "pushpin"). */
export type ReactionRoute = (ctx: HandlerContext, inbound: Inbound, messageId: string) => Promise<void>;

export interface RouteTable {
  commands?: CommandRoutes;
  /** By action id (core/action-ids.ts). */
  actions?: Record<string, ActionRoute>;
  /** By callback id (core/action-ids.ts). */
  forms?: Record<string, FormRoute>;
  /** By emoji name. */
  reactions?: Record<string, ReactionRoute>;
}

export interface MergedRoutes {
  commands: CommandRoutes;
  actions: Record<string, ActionRoute>;
  forms: Record<string, FormRoute>;
  reactions: Record<string, ReactionRoute>;
}

/** Merges route tables; a name claimed twice is a wiring bug, refused before anything is served. */
export function mergeRoutes(...tables: RouteTable[]): MergedRoutes {
  const merged: MergedRoutes = { commands: {}, actions: {}, forms: {}, reactions: {} };
  for (const table of tables) {
    for (const part of ["commands", "actions", "forms", "reactions"] as const) {
      const into = merged[part] as Record<string, unknown>;
      for (const [name, route] of Object.entries(table[part] ?? {})) {
        if (Object.hasOwn(into, name)) throw new Error(`two route tables claim the ${part} route "${name}"`);
        into[name] = route;
      }
    }
  }
  return merged;
}
