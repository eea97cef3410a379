/**
 * Reaching a person by DM outside any incident (shift notices, moved shifts, calls for cover): on-call people
 * are config people, and the deployment may serve several platforms. STUB: signature fixed; body to be written.
 */
import type { Message } from "../src/core/message.js";
import type { HandlerContext } from "./context.js";

/**
 * Queues a DM to the person (by person id) on the first platform this process serves where they have an
 * account; `key` is the outbox idempotency key. Returns false when they cannot be reached anywhere.
 */
export async function directToPerson(
  _ctx: HandlerContext,
  _personId: string,
  _key: string,
  _message: Message,
): Promise<boolean> {
  throw new Error("not implemented");
}
