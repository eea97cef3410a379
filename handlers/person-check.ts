import { UsageError } from "../src/core/errors.js";
import type { Incident, Participant } from "../src/core/incident/incident.js";
import { checkOfferTarget } from "../src/core/incident/offers.js";
import { roleRefusal } from "../src/core/incident/role-refusal.js";
import { userRef } from "../src/core/markup.js";
import { personByPlatformId } from "../src/core/oncall/people.js";
import type { HandlerContext } from "./context.js";

/** What the person named is being asked to do: command (designation or handoff) or lead communications. */
export type PersonPurpose = "designation" | "handoff" | "comms";

const NOTHING = "Nothing was changed.";

/**
 * Checks the person a role command names (`commander @user`, `handoff @user`, `comms @user`) against the
 * platform and the incident as loaded, and returns them as a participant. Each refusal says what is wrong and
 * what to do instead. The checks that depend on who commands are repeated inside the write
 * (`checkOfferTarget`), where the incident cannot change under them; this early run answers before any form
 * opens or anything is written.
 */
export async function checkPerson(
  ctx: HandlerContext,
  incident: Incident,
  userId: string,
  purpose: PersonPurpose,
  actor: string,
): Promise<Participant> {
  if (purpose !== "comms") checkOfferTarget(incident, purpose, userId, actor);
  const platform = ctx.platform(incident.platform);
  const user = await platform.userInfo(userId);
  const verb = purpose === "designation" ? "commander" : purpose;
  if (!user) {
    throw new UsageError(
      `I cannot find that person in this workspace. Mention them with @ as they appear in the member list, e.g. \`/incident ${verb} @name\`. ${NOTHING}`,
      "unknown_user",
    );
  }
  if (user.isBot) {
    throw new UsageError(
      purpose === "comms"
        ? `Bots cannot lead communications: name a person. ${NOTHING}`
        : `Bots cannot command an incident: name a person. ${NOTHING}`,
      "bot_user",
    );
  }
  if (user.deleted) {
    throw roleRefusal(
      "deactivated_user",
      { incident: { id: incident.id }, deactivated: true, person: userId },
      `${userRef(userId)}'s account is deactivated, so they cannot be reached. Name someone else. ${NOTHING}`,
    );
  }
  if (purpose === "handoff" && incident.channel && !(await platform.isMember(incident.channel.id, userId))) {
    throw roleRefusal(
      "not_in_channel",
      { incident: { id: incident.id }, notInChannel: true, person: userId },
      `${userRef(userId)} is not in this incident's channel yet, so they cannot pick up where you left off. ` +
        `Invite them first, then hand off again, or designate them with \`/incident commander @name\`, which adds them to the channel once they accept. ${NOTHING}`,
    );
  }
  const person = personByPlatformId(ctx.settings, incident.platform, userId);
  return { platformUserId: userId, ...(person && { personId: person.id }) };
}
