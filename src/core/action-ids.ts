/** Action and callback ids shared by handlers and adapters. Alphanumeric only: Mattermost rejects `-` and `_`. */
export const ActionIds = {
  acknowledge: "fbAcknowledge",
  openForm: "fbOpenIncident",
  /** "Post update" button: opens the update form; value = incident id. */
  postUpdate: "fbPostUpdate",
  /** Callback of the update form; its state is the incident id. */
  updateForm: "fbUpdateForm",
  /** "Snooze" buttons on an update nudge; value = "<incident id> <duration>", e.g. "INC-4 30m". */
  snooze: "fbSnooze",
  /** The reporter's "Fixed for me" on the confirmation request; value = incident id. */
  confirmFixed: "fbConfirmFixed",
  /** The reporter's "Still broken": opens the still-broken form; value = incident id. */
  stillBroken: "fbStillBroken",
  /** Callback of the still-broken form (what still fails); its state is the incident id. */
  stillBrokenForm: "fbStillBrokenForm",
  /** "Accept" on a commander offer (designation or handoff); value = "<incident id> <offer id>". */
  offerAccept: "fbOfferAccept",
  /** "Decline" on a commander offer: opens the decline form; value = "<incident id> <offer id>". */
  offerDecline: "fbOfferDecline",
  /** Callback of the decline form (the reason); its state is "<incident id> <offer id>". */
  offerDeclineForm: "fbOfferDeclineForm",
  /** Callback of the handoff brief form; its state is "<incident id> <incoming user id>". */
  handoffForm: "fbHandoffForm",
  /** "I'll take it" on a call for help; value = "<incident id> <call id>". */
  helpTake: "fbHelpTake",
  /** "Promote to incident" on a change or guidance request; value = incident id. */
  promote: "fbPromote",
  /** "Mark done" on a change or guidance request; value = incident id. */
  requestDone: "fbRequestDone",
  /** "Subscribe" on an announcement; value = incident id. */
  subscribe: "fbSubscribe",
  /** "I'll cover …" on a call for cover; value = "<rotation> <call id> <until>" (see handlers/oncall-cover.ts). */
  coverTake: "fbOncallCoverTake",
  /** "Apply" under a drafted on-call plan; value = the plan id. */
  planApply: "fbOncallPlanApply",
  /** "Discard" under a drafted on-call plan; value = the plan id. */
  planDiscard: "fbOncallPlanDiscard",
  /** "Remove" beside an override in `oncall overrides`; value = "<rotation> <override id>". */
  overrideRemove: "fbOncallOverrideRemove",
  /** "Remove" beside an absence in `oncall away`; value = "<person id> <away id>". */
  awayRemove: "fbOncallAwayRemove",
} as const;
