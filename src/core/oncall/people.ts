import type { Platform } from "../platform.js";
import type { Settings } from "../settings.js";
import type { Person } from "./types.js";

/** A person's user id on a platform; the playground uses the person id itself. */
export function platformUserId(person: Person, platform: Platform): string | undefined {
  switch (platform) {
    case "slack":
      return person.slack;
    case "mattermost":
      return person.mattermost;
    case "playground":
      return person.id;
  }
}

export function personByPlatformId(
  settings: Settings,
  platform: Platform,
  userId: string,
): Person | undefined {
  return settings.people.find((p) => platformUserId(p, platform) === userId);
}

export function personById(settings: Settings, id: string): Person | undefined {
  return settings.people.find((p) => p.id === id);
}

/**
 * The platform user ids of a config group of people (`roles.managers`, `roles.admins`), in its order; those
 * unknown or without an account on the platform are left out.
 */
export function platformIdsOf(
  settings: Settings,
  personIds: readonly string[],
  platform: Platform,
): string[] {
  return personIds.flatMap((id) => {
    const person = personById(settings, id);
    const user = person ? platformUserId(person, platform) : undefined;
    return user ? [user] : [];
  });
}
