import { z } from "zod";
import { parseDuration } from "../core/duration.js";
import { DEFAULT_REPEAT_LAST } from "../core/incident/escalation.js";
import { SEVERITIES, type Severity } from "../core/incident/incident.js";

/**
 * The YAML config file (DESIGN.md §9) as written by operators: snake_case keys, durations as text. Cross-field
 * rules (a rotation member must be a person, a policy must exist) live in file.ts, where each error can be
 * tied to a line.
 */
const id = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,63}$/,
    "ids use lowercase letters, digits, '-' and '_' (for example search-api)",
  );

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const timezone = z
  .string()
  .refine(isTimeZone, "unknown time zone; use an IANA name such as Europe/Berlin or America/New_York");

const duration = z
  .string()
  .refine((v) => parseDuration(v) !== null, "not a duration; write it like 30s, 5m, 2h, 1d or 1w")
  .transform((v) => parseDuration(v) as number);

const slackChannelName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,79}$/,
    "channel names use lowercase letters, digits, '-' and '_' (for example incidents)",
  );

export const CHANNEL_NAME_PLACEHOLDERS = ["number", "id", "slug", "severity", "service", "date"] as const;

const channelNameTemplate = z
  .string()
  .refine(
    (v) => v.includes("{number}") || v.includes("{id}"),
    "must contain {number} or {id} so names stay unique",
  )
  .refine(
    (v) =>
      [...v.matchAll(/\{([^}]*)\}/g)].every((m) =>
        (CHANNEL_NAME_PLACEHOLDERS as readonly string[]).includes(m[1] as string),
      ),
    `unknown placeholder; use ${CHANNEL_NAME_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
  );

const person = z.strictObject({
  id,
  name: z.string().min(1).optional(),
  slack: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/, "a Slack user id looks like U0123ABCD (profile → ⋯ → Copy member ID)")
    .optional(),
  mattermost: z
    .string()
    .regex(/^[a-z0-9.\-_]{1,64}$/, "a Mattermost username: lowercase letters, digits, '.', '-', '_'")
    .optional(),
  timezone: timezone.optional(),
});

const rotation = z.strictObject({
  id,
  members: z.array(id).min(1, "a rotation needs at least one member"),
  shift: z.string(),
  handoff: z.string(),
  timezone: timezone.optional(),
  start: z.string(),
});

const target = z
  .string()
  .regex(/^(rotation|person):[a-z0-9][a-z0-9_-]*$/, "a target is rotation:<id> or person:<id>");

const policy = z.strictObject({
  id,
  steps: z
    .array(
      z.strictObject({
        notify: z.array(target).min(1, "notify at least one target"),
        after: duration.optional(),
      }),
    )
    .min(1, "a policy needs at least one step"),
  /** How many more times the last step is paged, each after the same delay, before the escalation gives up. */
  repeat_last: z
    .number()
    .int("a whole number of repeats, for example 2")
    .min(0, "0 or more repeats")
    .max(20, "at most 20 repeats; nobody reads the 21st page")
    .default(DEFAULT_REPEAT_LAST),
});

const service = z.strictObject({
  id,
  name: z.string().min(1).optional(),
  owner: z.string().min(1).optional(),
  policy: id.optional(),
});

const severity = z.strictObject({ update_every: duration, ack_within: duration });
/** Every severity must be configured, and nothing else. */
const severities = z.strictObject(
  Object.fromEntries(SEVERITIES.map((sev) => [sev, severity])) as Record<Severity, typeof severity>,
);

const missCount = (what: string, fallback: number) =>
  z
    .number()
    .int(`a whole number of missed updates, for example ${fallback}`)
    .min(1, `${what} needs at least 1 missed update`)
    .max(100, "at most 100 missed updates")
    .default(fallback);

/** When a missed status update reaches further than the channel. */
const reminders = z.strictObject({
  dm_after_misses: missCount("dm_after_misses", 2),
  escalate_after_misses: missCount("escalate_after_misses", 3),
});

/** Who has authority on every incident (person ids from `people`). */
const roles = z.strictObject({
  managers: z.array(id).default([]),
  admins: z.array(id).default([]),
});

/** How long the lifecycle waits for people. */
const lifecycle = z.strictObject({
  offer_expires_after: duration.default(15 * 60_000),
  help_wanted_expires_after: duration.default(30 * 60_000),
  confirm_within: duration.default(3 * 24 * 3600_000),
});

export const configFileSchema = z.strictObject({
  timezone: timezone.default("UTC"),
  announce_channel: slackChannelName,
  channel_name: channelNameTemplate.default("inc-{number}-{slug}"),
  people: z.array(person).default([]),
  rotations: z.array(rotation).default([]),
  escalation_policies: z.array(policy).default([]),
  services: z.array(service).default([]),
  fallback_policy: id.optional(),
  severities,
  reminders: reminders.prefault({}),
  roles: roles.prefault({}),
  lifecycle: lifecycle.prefault({}),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
