/**
 * Action ids of the planner's buttons. Alphanumeric only, like core/action-ids.ts (Mattermost rejects `-` and
 * `_`), and prefixed "fbOncallPlan" so they can never collide with the incident ids there or the other
 * on-call parts' ids.
 */
export const OncallPlanActionIds = {
  /** "Apply" under a drafted plan; value = the plan id. */
  planApply: "fbOncallPlanApply",
  /** "Discard" under a drafted plan; value = the plan id. */
  planDiscard: "fbOncallPlanDiscard",
} as const;
