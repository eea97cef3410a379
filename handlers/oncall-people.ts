/**
 * How on-call messages name people and which zone they read times in: one way for every handler, so a who-is-on
 * answer, a plan, a handoff post and a DM name the same person the same way.
 */
import { personById, platformUserId } from "../src/core/oncall/people.js";
import type { Person } from "../src/core/oncall/types.js";
import type { Platform } from "../src/core/platform.js";
import type { OncallPersonVars } from "../src/core/templates/registry-oncall-changes.js";
import type { HandlerContext } from "./context.js";

/**
 * How a message on `platform` names someone recorded as a person id, or, for who made a change while not in the
 * people list, as `<platform>:<user id>` (see actorLabel): a mention (`user`) where they have an account on
 * that platform, and always a readable `name` for the text (the person's name, else the id or label as recorded).
 */
export function personVars(ctx: HandlerContext, platform: Platform, recorded: string): OncallPersonVars {
  const person = personById(ctx.settings, recorded);
  if (person) {
    const user = platformUserId(person, platform);
    return { name: person.name ?? person.id, ...(user && { user }) };
  }
  // A label from another platform cannot be mentioned here, and its bare user id would mean nothing to the
  // reader there: it is shown whole, as is the name of a label from this one for text without mentions.
  const prefix = `${platform}:`;
  return recorded.startsWith(prefix)
    ? { name: recorded, user: recorded.slice(prefix.length) }
    : { name: recorded };
}

/**
 * The zone a person reads typed times in and is shown times in: their own, else the config's default (also for
 * someone the people list does not know). Takes the person, or their person id.
 */
export function zoneOfPerson(ctx: HandlerContext, person: Person | string | undefined): string {
  const found = typeof person === "string" ? personById(ctx.settings, person) : person;
  return found?.timezone ?? ctx.settings.timezone;
}
