/**
 * Action ids of the schedule changes (override, swap, away, cover). Alphanumeric only, like core/action-ids.ts
 * (Mattermost rejects `-` and `_`), and prefixed "fbOncall" so they can never collide with the incident ids
 * there (a test checks both lists).
 */
export const OncallChangesActionIds = {
  /** "I'll cover …" on a call for cover; value = "<rotation> <call id>". */
  coverTake: "fbOncallCoverTake",
} as const;
