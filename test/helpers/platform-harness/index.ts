// One harness per adapter for the shared contract suite (test/contract/platform-contract.test.ts).

import { mattermostHarness } from "./mattermost.js";
import { playgroundHarness } from "./playground.js";
import { slackHarness } from "./slack.js";
import type { HarnessFactory } from "./types.js";

export type {
  ButtonRef,
  ChannelName,
  FormOutcome,
  HarnessFactory,
  OpenedForm,
  Person,
  PlatformHarness,
  Prepare,
} from "./types.js";
export { CHANNELS, PEOPLE } from "./types.js";

/** Every adapter Firebreak ships; a new one joins the contract suite by being listed here. */
export const HARNESSES: HarnessFactory[] = [slackHarness, mattermostHarness, playgroundHarness];
