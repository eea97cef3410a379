import { z } from "zod";
import { parseDuration } from "../core/duration.js";
import { DEFAULT_REPEAT_LAST } from "../core/incident/escalation.js";
import { SEVERITIES, type Severity } from "../core/incident/incident.js";
import { WEEKDAYS, type Weekday } from "../core/oncall/types.js";

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

/** "HH:mm" in 24-hour time, as restrictions write their windows. */
const wallTime = z
  .string()
  .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'a wall-clock time in 24-hour form, for example "09:00" or "17:30"')
  .transform((v) => v.padStart(5, "0"));

const WEEKDAY_WORDS: Record<string, Weekday> = Object.fromEntries(
  WEEKDAYS.flatMap((d, i) => [
    [d.toLowerCase(), d],
    [["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][i] as string, d],
  ]),
);

/**
 * The days a restriction window starts on: a list of weekday names (`[Mon, Tue]`, any case, "Monday" too), a
 * range (`Mon-Fri`, also inside the list), or one day. A range wraps past Sunday (`Fri-Mon`): people say so.
 */
export function parseDays(value: string | string[]): Weekday[] | string {
  const out = new Set<Weekday>();
  for (const part of Array.isArray(value) ? value : [value]) {
    const ends = String(part)
      .split("-")
      .map((w) => WEEKDAY_WORDS[w.trim().toLowerCase()]);
    if (ends.length > 2 || ends.some((d) => d === undefined)) {
      return `"${part}" is not a weekday or a range of them; write days like [Mon, Tue] or Mon-Fri (${WEEKDAYS.join(", ")})`;
    }
    const [first, last = first] = ends as Weekday[];
    for (let i = WEEKDAYS.indexOf(first as Weekday); ; i = (i + 1) % 7) {
      out.add(WEEKDAYS[i] as Weekday);
      if (WEEKDAYS[i] === last) break;
    }
  }
  return WEEKDAYS.filter((d) => out.has(d));
}

const days = z
  .union([z.string(), z.array(z.string()).min(1, "name at least one day, for example Mon-Fri")], {
    error: (issue) =>
      issue.input === undefined
        ? "is required; name the days the window starts on, for example Mon-Fri"
        : "write days as a list such as [Mon, Tue] or a range such as Mon-Fri",
  })
  .transform((v, ctx) => {
    const parsed = parseDays(v);
    if (typeof parsed === "string") {
      ctx.addIssue({ code: "custom", message: parsed });
      return z.NEVER;
    }
    return parsed;
  });

/** A window the layer is on duty in, e.g. working hours; `to` at or before `from` runs past midnight. */
const restriction = z.strictObject({ days, from: wallTime, to: wallTime });

/** How long before a shift its person hears of it: a duration, or 0 for no DM at all. */
const notifyBefore = z.union([z.number(), z.string()]).transform((v, ctx) => {
  if (v === 0 || /^0+\s*[smhdw]?$/i.test(String(v).trim())) return 0;
  const ms = typeof v === "string" ? parseDuration(v) : null;
  if (ms === null) {
    ctx.addIssue({ code: "custom", message: "not a duration; write it like 30m, 1h or 1d, or 0 for no DM" });
    return z.NEVER;
  }
  if (ms > 7 * 86_400_000) {
    ctx.addIssue({
      code: "custom",
      message: "at most 7d; a reminder a week ahead is forgotten by the shift",
    });
    return z.NEVER;
  }
  return ms;
});

/** The fields of one layer: a cycle of members, as rotation.ts reads it, optionally restricted to windows. */
const layerFields = {
  members: z.array(id).min(1, "a layer needs at least one member"),
  shift: z.string(),
  handoff: z.string(),
  timezone: timezone.optional(),
  start: z.string(),
  restrict: z.array(restriction).min(1, "list at least one window, or leave restrict out").optional(),
};

const layer = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,39}$/, "a short name such as business-hours or nights"),
  ...layerFields,
});

/** The fields a rotation written as one inline layer has; with `layers` they belong inside each layer. */
const INLINE_LAYER_KEYS = ["members", "shift", "handoff", "start", "restrict"] as const;

/**
 * A rotation: one layer written inline (members, shift, handoff, start, optional restrict), or `layers`,
 * highest precedence first. `timezone` is the inline layer's zone, or the default of every layer.
 */
const rotation = z
  .strictObject({
    id,
    name: z.string().min(1).optional(),
    members: layerFields.members.optional(),
    shift: layerFields.shift.optional(),
    handoff: layerFields.handoff.optional(),
    timezone: timezone.optional(),
    start: layerFields.start.optional(),
    restrict: layerFields.restrict,
    layers: z.array(layer).min(1, "list at least one layer, or drop layers and write one inline").optional(),
    /** Where each handoff is posted; the announcement channel when absent. */
    channel: slackChannelName.optional(),
    notify_before: notifyBefore.default(3_600_000),
  })
  .superRefine((r, ctx) => {
    const inline = INLINE_LAYER_KEYS.filter((k) => r[k] !== undefined);
    if (r.layers) {
      for (const key of inline) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `"${key}" belongs inside each of layers; write the rotation either as one inline layer or as layers, not both`,
        });
      }
      return;
    }
    for (const key of ["members", "shift", "handoff", "start"] as const) {
      if (r[key] === undefined) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `is required (members, shift, handoff and start make one layer), or list layers: [...] instead`,
        });
      }
    }
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
  /** For volunteer-run services: the policy paged once nobody acknowledged on the first one. */
  backup_policy: id.optional(),
  /** Person id of who owns the service's post-mortems by default. */
  manager: id.optional(),
});

/** Post-mortems: when they are due and how often their owner is reminded until they are done. */
const postmortem = z.strictObject({
  due_after: duration.default(5 * 24 * 3600_000),
  // Each reminder is a DM to one person: more often than hourly is nagging, and a typo like `1m` would spam.
  remind_every: duration
    .refine((ms) => ms >= 3600_000, "remind at most once an hour: write 1h or more")
    .default(24 * 3600_000),
});

/** Deploy webhooks: which environments are production (a fix deployed elsewhere is news, not `fix_deployed`). */
const deploys = z.strictObject({
  production: z
    .array(z.string().min(1))
    .min(1, "name at least one production environment")
    .default(["production"]),
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
  postmortem: postmortem.prefault({}),
  deploys: deploys.prefault({}),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
