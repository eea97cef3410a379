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
} as const;
