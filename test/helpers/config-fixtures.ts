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
