/** Action and callback ids shared by handlers and adapters. Alphanumeric only: Mattermost rejects `-` and `_`. */
export const ActionIds = {
  acknowledge: "fbAcknowledge",
  openForm: "fbOpenIncident",
} as const;
export type ActionId = (typeof ActionIds)[keyof typeof ActionIds];
