// Channel-name rules of conversations.create / conversations.rename (PLATFORMS.md §1.5):
// "Channel names may only contain lowercase letters, numbers, hyphens, and underscores, and must be 80
// characters or less." We apply the documented rule literally (ASCII lowercase), which is stricter than the
// real workspace for non-Latin letters; Firebreak transliterates titles with any-ascii, so strict is the safer
// side: a name the fake accepts is one Slack accepts.

export const CHANNEL_NAME_MAX_LENGTH = 80;

export type ChannelNameError =
  | "invalid_name_required"
  | "invalid_name_maxlength"
  | "invalid_name_specials"
  | "invalid_name_punctuation";

/** The error Slack answers for `name`, or undefined when the name is acceptable (`name_taken` is state, not shape). */
export function checkChannelName(name: string | undefined): ChannelNameError | undefined {
  if (name === undefined || name.length === 0) return "invalid_name_required";
  // Length is counted in characters (code points), not UTF-16 units.
  if ([...name].length > CHANNEL_NAME_MAX_LENGTH) return "invalid_name_maxlength";
  if (!/^[a-z0-9_-]+$/.test(name)) return "invalid_name_specials";
  if (/^[-_]+$/.test(name)) return "invalid_name_punctuation";
  return undefined;
}
