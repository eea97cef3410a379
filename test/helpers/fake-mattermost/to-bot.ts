// What Mattermost sends the bot, and what it does with the answers (PLATFORMS.md §2.2-§2.5):
// - a slash command: a form POST with `Authorization: Token <command token>`; the reply is JSON only when its
//   Content-Type says so, any other status than 200 is an error, and the CommandResponse is applied;
// - a button click: the PostActionIntegrationRequest JSON to the action's `integration.url` (no signature; the
//   context is echoed), then `update` and `ephemeral_text` are applied;
// - a dialog submission: SubmitDialogRequest JSON to the dialog's `url`; `errors` keeps the dialog open.
// The drivers also refuse what a real client would not let a person do (a required dialog field left empty, a
// click on a button that does not exist), by throwing: those are mistakes in the test, not in the bot.

import { applyCommandResponse, parseCommandResponse } from "./command-response.js";
import { reactionAddedEvent } from "./events.js";
import { AppError, type Ledger } from "./records.js";
import { applyEdit, canRead, isObject, type Publisher, publishPost } from "./rest.js";
import { ACTION_ID_PATTERN, attachmentActions } from "./rules.js";
import type { CommandHook, MmChannel, MmUser, OpenedDialog, StoredPost, World } from "./state.js";

export interface DriverDeps extends Publisher {
  world: World;
  ledger: Ledger;
  bot: MmUser;
  siteUrl(): string;
  botUrl(): string | undefined;
  commandPath: string;
  commandTokens: readonly string[];
}

export interface SlashCommandInput {
  user: string;
  /** Channel name, id, or `@username` for the bot's direct channel with that person. */
  channel: string;
  text: string;
  /** The command token to send; `null` sends none (neither the field nor the header). Default the first one. */
  token?: string | null;
  /** The trigger word with its slash. Default `/incident`. */
  command?: string;
  /** Where to POST; default `botUrl` + the command path. */
  url?: string;
}

export interface SlashCommandDelivery {
  status: number;
  /** Parsed JSON when the reply said `application/json`, else the text. */
  body: unknown;
  triggerId: string;
  /** The command's response URL: `posts` grows as the bot uses it. */
  responseUrl: CommandHook;
  /** The form fields sent. */
  fields: Record<string, string[]>;
}

export interface ActionDelivery {
  status: number;
  body: unknown;
  triggerId: string;
  /** What the clicking client is told: 200 `{status:"OK", trigger_id}` or Mattermost's error. */
  clientStatus: number;
}

export interface DialogDelivery {
  status: number;
  body: unknown;
  /** False when the answer carried `error` / `errors` (the dialog stays open) or failed. */
  closed: boolean;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function send(url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  const res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(30_000) });
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() };
}

function mustChannel(deps: DriverDeps, ref: string): MmChannel {
  const channel = deps.world.findChannel(ref, deps.bot.id);
  if (!channel) throw new Error(`fake-mattermost: no channel ${ref}`);
  return channel;
}

function teamOf(deps: DriverDeps, channel: MmChannel, user: MmUser) {
  const team =
    deps.world.teams.get(channel.teamId) ??
    [...deps.world.teams.values()].find((t) => t.members.has(user.id));
  if (!team) throw new Error(`fake-mattermost: @${user.username} is in no team`);
  return team;
}

/** Records the bot's answer as a violation (the delivery carried on as Mattermost would). */
function deliveryViolation(
  deps: DriverDeps,
  path: string,
  rule: string,
  message: string,
  body: unknown,
): void {
  deps.ledger.violation({
    method: "DELIVER",
    path,
    kind: "delivery",
    rule,
    id: "",
    status: 0,
    message,
    body,
  });
}

function recordAppError(deps: DriverDeps, path: string, err: AppError, body: unknown): void {
  deps.ledger.violation({
    method: "DELIVER",
    path,
    kind: err.options.kind ?? "delivery",
    rule: err.options.rule ?? err.id,
    id: err.id,
    status: err.status,
    message: [err.message, err.options.detailed].filter(Boolean).join(" — "),
    body,
  });
}

export async function sendSlashCommand(
  deps: DriverDeps,
  input: SlashCommandInput,
): Promise<SlashCommandDelivery> {
  const user = deps.world.mustUser(input.user);
  const channel = mustChannel(deps, input.channel);
  if (!channel.members.has(user.id)) {
    throw new Error(
      `fake-mattermost: @${user.username} is not in ${channel.name}; Mattermost would not run the command`,
    );
  }
  const base = deps.botUrl();
  const url = input.url ?? (base ? `${base}${deps.commandPath}` : undefined);
  if (!url) throw new Error("fake-mattermost: set botUrl before sending a slash command");
  const team = teamOf(deps, channel, user);
  const trigger = deps.world.mintTrigger(user.id, channel.id);
  const hook = deps.world.mintHook(deps.siteUrl(), user.id, channel.id);
  const token = input.token === undefined ? deps.commandTokens[0] : input.token;
  const form = new URLSearchParams();
  const fields: Array<[string, string]> = [
    ...(token === null || token === undefined ? [] : [["token", token] as [string, string]]),
    ["team_id", team.id],
    ["team_domain", team.name],
    ["channel_id", channel.id],
    ["channel_name", channel.name],
    ["user_id", user.id],
    ["user_name", user.username],
    ["command", input.command ?? "/incident"],
    ["text", input.text],
    ["trigger_id", trigger.id],
    ["root_id", ""],
    ["response_url", hook.url],
    ...mentionFields(deps.world, team.id, input.text),
  ];
  for (const [k, v] of fields) form.append(k, v);
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded",
    Accept: "application/json",
    ...(token === null || token === undefined ? {} : { Authorization: `Token ${token}` }),
  };
  const answer = await send(url, headers, form.toString());
  let body: unknown = answer.text;
  let response: Record<string, unknown> | undefined;
  const tokenValid = token !== null && token !== undefined && deps.commandTokens.includes(token);
  if (answer.status !== 200) {
    // The status is checked before the body: Mattermost shows "Command with a trigger of ... returned response
    // <status>". Refusing a forged or missing token that way is right, so only a valid command counts.
    try {
      body = JSON.parse(answer.text);
    } catch {
      body = answer.text;
    }
    if (tokenValid) {
      deliveryViolation(
        deps,
        url,
        "command_status",
        `the bot answered a valid command with ${answer.status}`,
        body,
      );
    }
  } else {
    try {
      response = parseCommandResponse(answer.contentType, answer.text);
      const isJson = answer.contentType.split(";")[0]?.trim().toLowerCase() === "application/json";
      body = isJson ? response : answer.text;
    } catch {
      const message = "the reply says application/json but is not a JSON object";
      deliveryViolation(deps, url, "command_response_json", message, body);
    }
  }
  if (response) {
    try {
      applyCommandResponse(deps, { user, channel, rootId: "" }, response, "command");
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      recordAppError(deps, url, err, response);
    }
  }
  const sent: Record<string, string[]> = {};
  for (const [k, v] of fields) sent[k] = [...(sent[k] ?? []), v];
  return { status: answer.status, body, triggerId: trigger.id, responseUrl: hook, fields: sent };
}

/** `possibleAtMentions` (app/command.go): an `@` not preceded by a word character, then a name. */
const AT_MENTION = /\B@[A-Za-z0-9][A-Za-z0-9._:-]*/g;
/** `model.ChannelMentions`: the same for `~`, with a name of letters, digits, `-` and `_`. */
const CHANNEL_MENTION = /\B~[A-Za-z0-9_-]+/g;
/** `IsValidUsernameAllowRemote`: what a normalized name must look like to be looked up at all. */
const VALID_USERNAME = /^[a-z0-9._:-]{1,64}$/;
const RESTRICTED_USERNAMES = new Set(["all", "channel", "matterbot", "system"]);

/**
 * `MentionsToTeamMembers`: each distinct possible `@name` (lower-cased) is looked up as it is; when nobody has
 * that name, with a trailing `.`, `-` or `_` cut off, one at a time. A user found who is not in the team stops
 * the search (no mention); one who is maps the name looked up (the whole or the trimmed one) to their id.
 */
function userMentions(world: World, teamId: string, text: string): Map<string, string> {
  const team = world.teams.get(teamId);
  const mentions = new Map<string, string>();
  const seen = new Set<string>();
  for (const [match] of text.matchAll(AT_MENTION)) {
    const mention = match.slice(1).toLowerCase();
    if (seen.has(mention) || !VALID_USERNAME.test(mention) || RESTRICTED_USERNAMES.has(mention)) continue;
    seen.add(mention);
    for (let name = mention; ; name = name.slice(0, -1)) {
      const user = world.userByName(name);
      if (user) {
        if (team?.members.has(user.id)) mentions.set(name, user.id);
        break;
      }
      if (!/[._-]$/.test(name)) break;
    }
  }
  return mentions;
}

/** `MentionsToPublicChannels`: each distinct `~name`, as typed, that is an open channel of the team. */
function channelMentions(world: World, teamId: string, text: string): Map<string, string> {
  const mentions = new Map<string, string>();
  for (const [match] of text.matchAll(CHANNEL_MENTION)) {
    const channel = world.channelByName(teamId, match.slice(1));
    if (channel?.type === "O") mentions.set(channel.name, channel.id);
  }
  return mentions;
}

/**
 * `user_mentions`/`user_mentions_ids` and `channel_mentions`/`channel_mentions_ids` as `ToURLValues` makes them:
 * repeated keys, every name then every id in the same order; no key at all when nothing was found.
 */
function mentionFields(world: World, teamId: string, text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [mentions, key] of [
    [userMentions(world, teamId, text), "user_mentions"],
    [channelMentions(world, teamId, text), "channel_mentions"],
  ] as const) {
    for (const name of mentions.keys()) out.push([key, name]);
    for (const id of mentions.values()) out.push([`${key}_ids`, id]);
  }
  return out;
}

/** The props an action's `update` keeps from the original post (`PostActionRetainPropKeys`). */
const RETAINED_PROPS = ["from_webhook", "override_username", "override_icon_url"];

export async function clickButton(
  deps: DriverDeps,
  input: {
    user: string;
    post: StoredPost;
    label?: string;
    actionId?: string;
    context?: Record<string, unknown>;
  },
): Promise<ActionDelivery> {
  const user = deps.world.mustUser(input.user);
  const post = deps.world.posts.get(input.post.id) ?? input.post;
  const channel = deps.world.channels.get(post.channelId);
  if (!channel) throw new Error(`fake-mattermost: post ${post.id} is in no known channel`);
  if (!canRead(deps.world, user, channel)) {
    throw new Error(`fake-mattermost: @${user.username} cannot see ${channel.name}, so cannot click there`);
  }
  const matches = attachmentActions(post.props).filter(
    (a) =>
      (input.actionId === undefined || a.id === input.actionId) &&
      (input.label === undefined || a.name === input.label),
  );
  if (matches.length !== 1) {
    const all = attachmentActions(post.props).map((a) => `${String(a.id)}:${String(a.name)}`);
    throw new Error(
      `fake-mattermost: ${matches.length} actions match ${JSON.stringify({ label: input.label, actionId: input.actionId })} in post ${post.id} (has ${all.join(", ") || "none"})`,
    );
  }
  const action = matches[0] as Record<string, unknown>;
  const actionId = typeof action.id === "string" ? action.id : "";
  if (!ACTION_ID_PATTERN.test(actionId)) {
    // POST /posts/{id}/actions/{action_id} never reaches a handler: the route only matches [A-Za-z0-9]+.
    return { status: 0, body: undefined, triggerId: "", clientStatus: 404 };
  }
  const integration = isObject(action.integration) ? action.integration : {};
  const url = typeof integration.url === "string" ? integration.url : "";
  if (!url) throw new Error(`fake-mattermost: action ${actionId} has no integration.url`);
  const team = teamOf(deps, channel, user);
  const trigger = deps.world.mintTrigger(user.id, channel.id);
  const context = input.context ?? (isObject(integration.context) ? integration.context : undefined);
  const request = {
    user_id: user.id,
    user_name: user.username,
    channel_id: channel.id,
    channel_name: channel.name,
    team_id: team.id,
    team_domain: team.name,
    post_id: post.id,
    trigger_id: trigger.id,
    type: typeof action.type === "string" ? action.type : "button",
    data_source: typeof action.data_source === "string" ? action.data_source : "",
    ...(context && Object.keys(context).length > 0 ? { context } : {}),
  };
  const answer = await send(
    url,
    { "Content-Type": "application/json", Accept: "application/json" },
    JSON.stringify(request),
  );
  let body: unknown = answer.text;
  if (answer.status !== 200) {
    if (!input.context) {
      deliveryViolation(deps, url, "action_status", `the bot answered a click with ${answer.status}`, body);
    }
    return { status: answer.status, body, triggerId: trigger.id, clientStatus: 400 };
  }
  let response: Record<string, unknown> = {};
  if (answer.text.trim() !== "") {
    try {
      const parsed: unknown = JSON.parse(answer.text);
      body = parsed;
      if (!isObject(parsed)) throw new SyntaxError("not an object");
      response = parsed;
    } catch {
      deliveryViolation(deps, url, "action_response_json", "the click answer is not a JSON object", body);
      return { status: answer.status, body, triggerId: trigger.id, clientStatus: 400 };
    }
  }
  try {
    if (isObject(response.update)) {
      const update = response.update;
      const props: Record<string, unknown> = isObject(update.props) ? { ...update.props } : {};
      for (const key of RETAINED_PROPS) {
        if (key in post.props) props[key] = post.props[key];
        else delete props[key];
      }
      applyEdit(deps, post, { message: typeof update.message === "string" ? update.message : "", props });
    }
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    recordAppError(deps, url, err, response);
    return { status: answer.status, body, triggerId: trigger.id, clientStatus: err.status };
  }
  if (typeof response.ephemeral_text === "string" && response.ephemeral_text !== "") {
    deps.world.ephemerals.push({
      userId: user.id,
      channelId: channel.id,
      message: response.ephemeral_text,
      props: {},
      via: "action",
      at: deps.world.now(),
    });
  }
  return { status: answer.status, body, triggerId: trigger.id, clientStatus: 200 };
}

/** What the webapp submits: every element, a value given here or its default (bools as booleans), else null. */
function submissionFor(dialog: OpenedDialog, values: Record<string, string>): Record<string, unknown> {
  const elements = dialog.dialog.elements;
  const names = new Set(elements.map((e) => e.name));
  for (const key of Object.keys(values)) {
    if (!names.has(key)) throw new Error(`fake-mattermost: the dialog has no element ${key}`);
  }
  const submission: Record<string, unknown> = {};
  for (const e of elements) {
    const raw = values[e.name] ?? (e.default !== "" ? e.default : undefined);
    if (raw === undefined || raw === "") {
      if (!e.optional && e.type !== "bool") {
        throw new Error(`fake-mattermost: ${e.name} is required; the client would not submit`);
      }
      submission[e.name] = e.type === "bool" ? false : null;
      continue;
    }
    if (raw.length < e.min_length) {
      throw new Error(`fake-mattermost: ${e.name} is shorter than min_length ${e.min_length}`);
    }
    const max = e.max_length > 0 ? e.max_length : e.type === "textarea" ? 3000 : 150;
    if ((e.type === "text" || e.type === "textarea") && raw.length > max) {
      throw new Error(`fake-mattermost: ${e.name} is longer than ${max}; the input would not take it`);
    }
    if (
      (e.type === "select" || e.type === "radio") &&
      !e.data_source &&
      !(e.options ?? []).some((o) => o.value === raw)
    ) {
      throw new Error(`fake-mattermost: ${JSON.stringify(raw)} is not an option of ${e.name}`);
    }
    submission[e.name] = e.type === "bool" ? raw === "true" : raw;
  }
  return submission;
}

export async function submitDialog(
  deps: DriverDeps,
  input: {
    user: string;
    dialog: OpenedDialog;
    values: Record<string, string>;
    state?: string;
    cancel?: boolean;
  },
): Promise<DialogDelivery> {
  const user = deps.world.mustUser(input.user);
  if (user.id !== input.dialog.userId) {
    throw new Error(`fake-mattermost: this dialog was opened for someone else, not @${user.username}`);
  }
  const channel = deps.world.channels.get(input.dialog.channelId);
  if (!channel) throw new Error("fake-mattermost: the dialog's channel is gone");
  const team = teamOf(deps, channel, user);
  const dialog = input.dialog.dialog;
  const request = {
    type: "dialog_submission",
    callback_id: dialog.callback_id,
    state: input.state ?? dialog.state,
    user_id: user.id,
    channel_id: channel.id,
    team_id: team.id,
    submission: input.cancel ? {} : submissionFor(input.dialog, input.values),
    cancelled: input.cancel === true,
  };
  const answer = await send(
    input.dialog.url,
    { "Content-Type": "application/json", Accept: "application/json" },
    JSON.stringify(request),
  );
  let body: unknown = answer.text;
  if (answer.text.trim() !== "") {
    try {
      body = JSON.parse(answer.text);
    } catch {
      if (answer.status === 200) {
        deliveryViolation(deps, input.dialog.url, "dialog_response_json", "the answer is not JSON", body);
      }
    }
  }
  if (answer.status !== 200 && input.state === undefined) {
    deliveryViolation(
      deps,
      input.dialog.url,
      "dialog_status",
      `the bot answered a submission with ${answer.status}`,
      body,
    );
  }
  const keepsOpen = isObject(body) && (typeof body.error === "string" || isObject(body.errors));
  return { status: answer.status, body, closed: answer.status === 200 && !keepsOpen };
}

export function postAs(
  deps: DriverDeps,
  input: { user: string; channel: string; message: string },
): StoredPost {
  const user = deps.world.mustUser(input.user);
  const channel = mustChannel(deps, input.channel);
  if (!channel.members.has(user.id)) {
    throw new Error(
      `fake-mattermost: @${user.username} is not in ${channel.name || channel.id}; Mattermost would refuse`,
    );
  }
  try {
    return publishPost(deps, { channel, user, message: input.message, props: {} });
  } catch (err) {
    if (err instanceof AppError)
      throw new Error(`fake-mattermost: Mattermost would refuse this post: ${err.message}`);
    throw err;
  }
}

export function react(deps: DriverDeps, input: { user: string; post: StoredPost; emoji: string }): void {
  const user = deps.world.mustUser(input.user);
  const post = deps.world.posts.get(input.post.id);
  const channel = post ? deps.world.channels.get(post.channelId) : undefined;
  if (!post || !channel) throw new Error(`fake-mattermost: no post ${input.post.id} to react to`);
  if (!canRead(deps.world, user, channel))
    throw new Error(`fake-mattermost: @${user.username} cannot see that post`);
  const reaction = {
    userId: user.id,
    postId: post.id,
    emojiName: input.emoji.replace(/^:|:$/g, ""),
    createAt: deps.world.stamp(),
  };
  deps.world.reactions.push(reaction);
  post.hasReactions = true;
  deps.emit(reactionAddedEvent(channel, reaction));
}
