/**
 * Prometheus text exposition format 0.0.4, just what /metrics needs: metric families (HELP, TYPE and their
 * samples) with escaped label values, and histograms from raw observations. A library would bring a registry
 * of global state; the metrics here are all computed at scrape time, so plain functions suffice.
 */

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type Labels = Record<string, string>;

export interface Sample {
  /** The sample's own name suffix (`_bucket`, `_sum`, `_count`), empty for the family's plain samples. */
  suffix?: string;
  labels?: Labels;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: "gauge" | "counter" | "histogram" | "untyped";
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** HELP text escapes a backslash and a line feed. */
function escapeHelp(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

/** Label values escape a backslash, a double quote and a line feed. */
export function escapeLabelValue(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

function formatLabels(labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return "";
  for (const [name] of entries) {
    if (!LABEL_NAME.test(name) || name.startsWith("__"))
      throw new Error(`bad Prometheus label name "${name}"`);
  }
  return `{${entries.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(",")}}`;
}

export function formatFamily(family: Family): string {
  if (!METRIC_NAME.test(family.name)) throw new Error(`bad Prometheus metric name "${family.name}"`);
  const lines = [`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`];
  for (const s of family.samples) {
    lines.push(`${family.name}${s.suffix ?? ""}${formatLabels(s.labels)} ${formatValue(s.value)}`);
  }
  return `${lines.join("\n")}\n`;
}

export function formatFamilies(families: readonly Family[]): string {
  return families.map(formatFamily).join("");
}

/**
 * The samples of one histogram series: cumulative `_bucket` counts for each upper bound and `+Inf`, then
 * `_sum` and `_count`.
 */
export function histogramSamples(
  bounds: readonly number[],
  observations: readonly number[],
  labels: Labels,
): Sample[] {
  const samples: Sample[] = [];
  for (const le of [...bounds, Number.POSITIVE_INFINITY]) {
    samples.push({
      suffix: "_bucket",
      labels: { ...labels, le: formatValue(le) },
      value: observations.filter((o) => o <= le).length,
    });
  }
  samples.push({ suffix: "_sum", labels, value: observations.reduce((a, b) => a + b, 0) });
  samples.push({ suffix: "_count", labels, value: observations.length });
  return samples;
}
