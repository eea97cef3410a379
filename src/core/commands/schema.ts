/**
 * The typed commands the grammar produces. Handlers switch on `name`; the schemas are exported so that commands
 * arriving by another door (a form submission, a button) can be checked against the same shape.
 */

import { z } from "zod";
import { INCIDENT_KINDS, INCIDENT_STATES, SEVERITIES } from "../incident/incident.js";
import { charCount, TEXT_MAX, TITLE_MAX } from "./text.js";
import { LOCAL_TIME_FORMAT } from "./time.js";

/** Config ids (services, rotations) as the config file writes them. */
export const ID_PATTERN = /^[a-z0-9_-]{1,64}$/;
/** A platform user id as it appears inside a mention `<@ID>` (see core/markup.ts). */
export const USER_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** The planner drafts at most a year ahead; past that availability is guesswork. */
export const PLAN_WEEKS_MAX = 52;

export const IdSchema = z.string().regex(ID_PATTERN);
export const UserIdSchema = z.string().regex(USER_ID_PATTERN);
export const SeveritySchema = z.enum(SEVERITIES);
export const StateSchema = z.enum(INCIDENT_STATES);
export const TitleSchema = z
  .string()
  .min(1)
  .refine((s) => charCount(s) <= TITLE_MAX && s.trim() === s && !/\s\s|[\n\t]/.test(s), "not a clean title");
/** Free text after cleaning; `min(1)` where the command needs some. */
export const TextSchema = z
  .string()
  .min(1)
  .refine((s) => charCount(s) <= TEXT_MAX, `longer than ${TEXT_MAX} characters`);
export const DurationMsSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const IncidentNumberSchema = z.number().int().positive();
export const TimeSchema = z.string().regex(LOCAL_TIME_FORMAT);

const bare = <N extends string>(name: N) => z.object({ name: z.literal(name) });

export const CommandSchema = z.discriminatedUnion("name", [
  z.object({
    name: z.literal("open"),
    title: TitleSchema,
    severity: SeveritySchema.optional(),
    service: IdSchema.optional(),
    /** Absent for an incident; change and guidance requests are tracked without a channel or a page. */
    kind: z.enum(INCIDENT_KINDS).exclude(["incident"]).optional(),
    /** Kept off the public status page (`visibility:private`). */
    private: z.literal(true).optional(),
  }),
  /** Bare `open`: show the form. */
  bare("open_form"),
  bare("ack"),
  z.object({ name: z.literal("update"), text: TextSchema }),
  z.object({ name: z.literal("snooze"), durationMs: DurationMsSchema }),
  bare("reminders"),
  z.object({ name: z.literal("sev"), severity: SeveritySchema }),
  z.object({ name: z.literal("status"), state: StateSchema }),
  z.object({
    name: z.literal("fix"),
    /** A pull-request (or any http/https) link, or a lowercase commit sha. */
    ref: z.string().min(1).max(2000),
    refKind: z.enum(["link", "sha"]),
  }),
  bare("deployed"),
  z.object({ name: z.literal("resolve"), summary: TextSchema.optional() }),
  bare("reopen"),
  z.object({ name: z.literal("promote"), incidentNumber: IncidentNumberSchema.optional() }),
  z.object({ name: z.literal("commander"), user: UserIdSchema }),
  z.object({ name: z.literal("handoff"), user: UserIdSchema, summary: TextSchema.optional() }),
  z.object({ name: z.literal("comms"), user: UserIdSchema }),
  bare("join"),
  z.object({ name: z.literal("help_wanted"), text: TextSchema }),
  z.object({ name: z.literal("merge"), incidentNumber: IncidentNumberSchema }),
  z.object({ name: z.literal("subscribe"), incidentNumber: IncidentNumberSchema.optional() }),
  z.object({ name: z.literal("unsubscribe"), incidentNumber: IncidentNumberSchema.optional() }),
  z.object({ name: z.literal("note"), text: TextSchema }),
  z.object({ name: z.literal("timeline"), incidentNumber: IncidentNumberSchema.optional() }),
  bare("list"),
  z.object({ name: z.literal("show"), incidentNumber: IncidentNumberSchema.optional() }),
  /** `target` is a service or a rotation id; the grammar cannot tell which, the handler looks both up. */
  z.object({ name: z.literal("oncall"), target: IdSchema.optional() }),
  z.object({
    name: z.literal("oncall_override"),
    user: UserIdSchema,
    from: TimeSchema,
    to: TimeSchema,
    rotation: IdSchema.optional(),
  }),
  z.object({
    name: z.literal("oncall_swap"),
    users: z.tuple([UserIdSchema, UserIdSchema]),
    rotation: IdSchema.optional(),
  }),
  z.object({ name: z.literal("oncall_cover"), durationMs: DurationMsSchema, rotation: IdSchema.optional() }),
  z.object({ name: z.literal("oncall_away"), from: TimeSchema, to: TimeSchema }),
  /** Bare `oncall away`: the asker's own absences from now on, each with a Remove button. */
  bare("oncall_away_list"),
  /** The overrides in force now and ahead, each with a Remove button; all the asker's rotations when unnamed. */
  z.object({ name: z.literal("oncall_overrides"), rotation: IdSchema.optional() }),
  z.object({
    name: z.literal("oncall_plan"),
    rotation: IdSchema,
    weeks: z.number().int().min(1).max(PLAN_WEEKS_MAX),
  }),
  z.object({ name: z.literal("oncall_calendar"), rotation: IdSchema.optional() }),
  bare("services"),
  z.object({ name: z.literal("followup"), text: TextSchema, owner: UserIdSchema.optional() }),
  z.object({ name: z.literal("followup_done"), n: z.number().int().min(1) }),
  z.object({ name: z.literal("followup_reopen"), n: z.number().int().min(1) }),
  bare("followups"),
  z.object({ name: z.literal("visibility"), private: z.boolean() }),
  z.object({ name: z.literal("postmortem"), owner: UserIdSchema.optional() }),
  bare("postmortem_done"),
  bare("log"),
  /** `topic` is a verb from HELP (`open`, `oncall override`) when the person asked about one command. */
  z.object({ name: z.literal("help"), topic: z.string().min(1).optional() }),
]);

export type Command = z.infer<typeof CommandSchema>;
export type CommandName = Command["name"];
/** The command of one name, e.g. `CommandOf<"open">` for the open handler's argument. */
export type CommandOf<N extends CommandName> = Extract<Command, { name: N }>;
