/**
 * Pieces of the YAML configs the integration tests write, so a test file spells out only what is particular to
 * it. Each piece is a top-level block ending in a newline, to be dropped into a config template as it is.
 */

type Severity = "sev1" | "sev2" | "sev3" | "sev4";
interface Cadence {
  update_every: string;
  ack_within: string;
}

/** A `severities:` block with each level's update cadence and acknowledgement deadline. */
export function severities(levels: Record<Severity, Cadence>): string {
  const lines = (Object.keys(levels) as Severity[]).map(
    (level) =>
      `  ${level}: { update_every: ${levels[level].update_every}, ack_within: ${levels[level].ack_within} }`,
  );
  return `severities:\n${lines.join("\n")}\n`;
}

/** The usual cadences: SEV1 updates every 30 min and is acknowledged within 5, down to SEV4 daily within an hour. */
export const STANDARD_SEVERITIES = severities({
  sev1: { update_every: "30m", ack_within: "5m" },
  sev2: { update_every: "1h", ack_within: "15m" },
  sev3: { update_every: "4h", ack_within: "30m" },
  sev4: { update_every: "1d", ack_within: "1h" },
});

/**
 * Slow cadences, so no timer fires within a test: SEV1 to SEV3 update hourly, SEV4 daily, every level is
 * acknowledged within an hour. `changes` sets what a test needs otherwise.
 */
export function hourlySeverities(changes: Partial<Record<Severity, Partial<Cadence>>> = {}): string {
  const hourly: Cadence = { update_every: "1h", ack_within: "1h" };
  return severities({
    sev1: { ...hourly, ...changes.sev1 },
    sev2: { ...hourly, ...changes.sev2 },
    sev3: { ...hourly, ...changes.sev3 },
    sev4: { ...hourly, update_every: "1d", ...changes.sev4 },
  });
}

type Founder = "alice" | "bob" | "dana";

/** What a test changes of the usual team; each list holds one-line YAML items, without the leading `- `. */
export interface TeamConfigOptions {
  /** Display names of Alice, Bob and Dana, when a test reads them in full (default: their first names). */
  names?: Partial<Record<Founder, string>>;
  /** People after Alice, Bob and Dana. */
  morePeople?: string[];
  /**
   * The items of the `rotations:` list as YAML lines indented by two (blank lines around them are dropped), so
   * a rotation can be written in block style; by default `primary`, with Dana alone on call, weekly since 2020.
   */
  rotations?: string;
  /** Whom the default policy pages first (default: the `primary` rotation). */
  firstNotify?: string[];
  /** The steps the default policy escalates to when nobody acknowledges the first. */
  laterSteps?: string[];
  /** How often the default policy repeats its last step (the config's default when unset). */
  repeatLast?: number;
  /** Further top-level blocks (roles, services, lifecycle...), each ending in a newline. */
  extra?: string;
  /** The `severities:` block (default: hourlySeverities(), so no timer fires within a test). */
  severities?: string;
}

const DANA_ALONE_ON_CALL =
  '  - { id: primary, members: [dana], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2020-01-06 }\n';

/**
 * The team most tests run with: Alice and Dana in Berlin, Bob in New York (all on Slack), announcements in
 * #incidents, and a `default` policy, the fallback, paging the `primary` rotation, which is Dana alone unless
 * told otherwise.
 */
export function teamConfig(options: TeamConfigOptions = {}): string {
  const name = (id: Founder, first: string) => options.names?.[id] ?? first;
  const items = (lines: string[], indent: string) => lines.map((line) => `${indent}- ${line}\n`).join("");
  const people = [
    `{ id: alice, name: ${name("alice", "Alice")}, slack: U0ALICE, timezone: Europe/Berlin }`,
    `{ id: bob, name: ${name("bob", "Bob")}, slack: U0BOB, timezone: America/New_York }`,
    `{ id: dana, name: ${name("dana", "Dana")}, slack: U0DANA, timezone: Europe/Berlin }`,
    ...(options.morePeople ?? []),
  ];
  const rotations = options.rotations?.replace(/^\n+|\s+$/g, "").concat("\n") ?? DANA_ALONE_ON_CALL;
  const steps = [
    `{ notify: [${(options.firstNotify ?? ["rotation:primary"]).join(", ")}] }`,
    ...(options.laterSteps ?? []),
  ];
  const repeatLast = options.repeatLast === undefined ? "" : `    repeat_last: ${options.repeatLast}\n`;
  return `
timezone: Europe/Berlin
announce_channel: incidents
people:
${items(people, "  ")}rotations:
${rotations}escalation_policies:
  - id: default
${repeatLast}    steps:
${items(steps, "      ")}fallback_policy: default
${options.extra ?? ""}${options.severities ?? hourlySeverities()}`;
}
