import anyAscii from "any-ascii";

/**
 * Incident channel names from the operator's `channel_name` template ("inc-{number}-{slug}"). Every platform
 * accepts `[a-z0-9][a-z0-9_-]*`; Slack allows 80 characters and Mattermost 64, so the adapter passes its limit.
 * Non-ASCII titles are transliterated ("Über-Störung" → "uber-storung", "検索" → "jiansuo") rather than
 * dropped, so the channel still says what broke.
 */
export interface ChannelNameParts {
  number: number;
  id: string;
  title: string;
  severity: string;
  service?: string;
  date: string; // YYYY-MM-DD
}

/** Lowercase ASCII words joined by '-', nothing else. */
export function slugify(text: string): string {
  return anyAscii(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export function incidentChannelName(template: string, parts: ChannelNameParts, maxLength: number): string {
  const fixed: Record<string, string> = {
    number: String(parts.number),
    id: slugify(parts.id),
    severity: slugify(parts.severity),
    service: slugify(parts.service ?? "none"),
    date: parts.date,
  };
  const withoutSlug = template.replace(
    /\{(number|id|severity|service|date)\}/g,
    (_, k: string) => fixed[k] ?? "",
  );
  // The slug is the only part that may be shortened: cut it at a word boundary to fit the limit.
  const room = maxLength - sanitize(withoutSlug.replace("{slug}", "")).length;
  const slug = truncateSlug(slugify(parts.title), Math.max(0, room));
  const name = sanitize(withoutSlug.replace(/\{slug\}/g, slug));
  return name.slice(0, maxLength).replace(/[-_]+$/, "") || `inc-${parts.number}`;
}

/** The name to try after `base` was taken: base-2, base-3, ... still within the limit. */
export function withSuffix(base: string, attempt: number, maxLength: number): string {
  const suffix = `-${attempt}`;
  return `${base.slice(0, maxLength - suffix.length).replace(/[-_]+$/, "")}${suffix}`;
}

function sanitize(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "");
}

function truncateSlug(slug: string, room: number): string {
  if (slug.length <= room) return slug;
  const cut = slug.slice(0, room);
  const lastDash = cut.lastIndexOf("-");
  return (lastDash > room / 2 ? cut.slice(0, lastDash) : cut).replace(/-+$/, "");
}
