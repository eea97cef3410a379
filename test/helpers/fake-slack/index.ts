// Fake Slack Web API for tests. See server.ts for the behaviour and catalog.ts for what is checked.
//
//   const fake = await startFakeSlack({ botUrl: "http://127.0.0.1:3000/slack/events" });
//   const client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl });
//   ...
//   fake.assertNoViolations();
//   await fake.close();

export {
  CATALOG,
  CONVERSATION_SCOPES,
  DEFAULT_BOT_SCOPES,
  IMPLEMENTED_METHODS,
  type MethodDef,
  NEWER_ERRORS,
  type ParamDef,
} from "./catalog.js";
export { MESSAGE_TEXT_LIMIT } from "./methods.js";
export type { RecordedCall, Violation, ViolationKind, Warning } from "./records.js";
export { type BlockIssue, checkBlocks, checkModalView, LIMITS } from "./rules/block-kit.js";
export { CHANNEL_NAME_MAX_LENGTH, checkChannelName } from "./rules/channel-name.js";
export {
  type BlockActionInput,
  type EventDelivery,
  FakeSlack,
  type FakeSlackOptions,
  type Fault,
  type InteractionDelivery,
  type SlashCommandDelivery,
  type SlashCommandInput,
  startFakeSlack,
  type ViewSubmissionInput,
} from "./server.js";
export { loadWebApiSpec, type SlackWebApiSpec, slackSpecsDir, webApiSpecPath } from "./spec.js";
export type {
  Conversation,
  EphemeralMessage,
  OpenedView,
  ResponseUrl,
  SeedChannel,
  SeedUser,
  SlackUser,
  StoredMessage,
} from "./state.js";
export { DEFAULT_CHANNELS, DEFAULT_USERS } from "./state.js";
export { type Delivery, type DeliveryOptions, STALE_AGE_SEC, signSlackRequest } from "./to-bot.js";
