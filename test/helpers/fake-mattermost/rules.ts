// Server rules the OpenAPI bodies do not express, from the Go sources at the pinned commit (PLATFORMS.md §2).
// Each check returns the AppError Mattermost answers, or null when the input is fine.

import { isValidId } from "./ids.js";
import type { DialogJson } from "./json.js";
import { AppError } from "./records.js";

/** `ChannelNameMaxLength` and the `varchar(64)` column (model/channel.go). */
export const CHANNEL_NAME_MAX_LENGTH = 64;
export const CHANNEL_DISPLAY_NAME_MAX_RUNES = 64;
export const CHANNEL_HEADER_MAX_RUNES = 1024;
export const CHANNEL_PURPOSE_MAX_RUNES = 250;
/** `PostMessageMaxRunesV2` = 65535 / 4 (model/post.go). */
export const POST_MESSAGE_MAX_RUNES = 16383;
/** `PostPropsMaxRunes`: the serialized props (model/post.go). */
export const POST_PROPS_MAX_RUNES = 800_000;
/** The click route is `/posts/{post_id}/actions/{action_id:[A-Za-z0-9]+}` (api4/integration_action.go). */
export const ACTION_ID_PATTERN = /^[A-Za-z0-9]+$/;

export const DIALOG_LIMITS = {
  title: 24,
  displayName: 24,
  name: 300,
  helpText: 150,
  text: 150,
  textarea: 3000,
  select: 3000,
  boolPlaceholder: 150,
} as const;

/** Runes (code points), the unit of every Mattermost length limit; JS `length` counts UTF-16 units. */
export function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** `validSimpleAlphaNum` in model/utils.go, used by `IsValidChannelIdentifier`. */
const CHANNEL_NAME_PATTERN = /^[a-z0-9]+([a-z\-_0-9]+|(__)?)[a-z0-9]*$/;

/** Channel create/patch: the checks of api4 createChannel, `Channel.IsValid` and the store, in that order. */
export function checkChannel(c: {
  name: string;
  displayName: string;
  header: string;
  purpose: string;
}): AppError | null {
  if (runeCount(c.displayName) > CHANNEL_DISPLAY_NAME_MAX_RUNES) {
    return new AppError(400, "model.channel.is_valid.display_name.app_error", "Invalid display name.", {
      kind: "invalid_request",
      rule: "channel_display_name",
      detailed: `display_name has ${runeCount(c.displayName)} runes; the limit is ${CHANNEL_DISPLAY_NAME_MAX_RUNES}`,
    });
  }
  if (!CHANNEL_NAME_PATTERN.test(c.name)) {
    return new AppError(
      400,
      "model.channel.is_valid.1_or_more.app_error",
      "Name must be 1 or more lowercase alphanumeric characters.",
      { kind: "invalid_request", rule: "channel_name", detailed: `name=${JSON.stringify(c.name)}` },
    );
  }
  if (runeCount(c.header) > CHANNEL_HEADER_MAX_RUNES) {
    return new AppError(400, "model.channel.is_valid.header.app_error", "Invalid header.", {
      kind: "invalid_request",
      rule: "channel_header",
    });
  }
  if (runeCount(c.purpose) > CHANNEL_PURPOSE_MAX_RUNES) {
    return new AppError(400, "model.channel.is_valid.purpose.app_error", "Invalid purpose.", {
      kind: "invalid_request",
      rule: "channel_purpose",
    });
  }
  const halves = c.name.split("__");
  if (
    /^[a-f0-9]{40}$/.test(c.name) ||
    (halves.length === 2 && isValidId(halves[0]) && isValidId(halves[1]))
  ) {
    return new AppError(400, "model.channel.is_valid.name.app_error", "Invalid channel name.", {
      kind: "invalid_request",
      rule: "channel_name_reserved_shape",
      detailed: "hex-40 (group message) and <id>__<id> (direct message) names are reserved",
    });
  }
  if (c.name.length > CHANNEL_NAME_MAX_LENGTH) {
    // The model does not check the length; the INSERT into varchar(64) fails and the app answers a generic 500.
    return new AppError(500, "app.channel.create_channel.internal_error", "Unable to save the channel.", {
      kind: "invalid_request",
      rule: "channel_name_length",
      detailed: `value too long for type character varying(${CHANNEL_NAME_MAX_LENGTH}): ${c.name.length} characters`,
    });
  }
  return null;
}

/** `Post.IsValid` limits plus the fake's action-id rule (see `checkActionIds`). */
export function checkPost(p: { message: string; props: Record<string, unknown> }): AppError | null {
  const runes = runeCount(p.message);
  if (runes > POST_MESSAGE_MAX_RUNES) {
    return new AppError(
      400,
      "model.post.is_valid.message_length.app_error",
      `Post Message property is longer than the maximum permitted length of ${POST_MESSAGE_MAX_RUNES} characters.`,
      { kind: "invalid_request", rule: "message_length", detailed: `length=${runes}` },
    );
  }
  if (runeCount(JSON.stringify(p.props)) > POST_PROPS_MAX_RUNES) {
    return new AppError(400, "model.post.is_valid.props.app_error", "Invalid props.", {
      kind: "invalid_request",
      rule: "props_length",
    });
  }
  return checkActionIds(p.props);
}

/** Every `props.attachments[].actions[]` entry, whatever its shape. */
export function attachmentActions(
  props: Record<string, unknown> | null | undefined,
): Record<string, unknown>[] {
  const attachments = props?.attachments;
  if (!Array.isArray(attachments)) return [];
  return attachments.flatMap((a) =>
    isObject(a) && Array.isArray(a.actions) ? a.actions.filter(isObject) : [],
  );
}

/**
 * Mattermost stores an action whose id is not [A-Za-z0-9]+, but clicking it can never work: the client's POST to
 * `/posts/{id}/actions/{action_id}` does not match the route and answers 404. The fake refuses such a post at once
 * (400) so the dead button is caught where it is made, not when someone clicks it during an incident.
 */
export function checkActionIds(props: Record<string, unknown>): AppError | null {
  const seen = new Set<string>();
  for (const action of attachmentActions(props)) {
    const id = action.id;
    if (id === undefined || id === "") continue; // the server assigns one
    if (typeof id !== "string" || !ACTION_ID_PATTERN.test(id)) {
      return new AppError(
        400,
        "fake_mattermost.post.action_id.app_error",
        "Action ids must match [A-Za-z0-9]+.",
        {
          kind: "invalid_request",
          rule: "action_id",
          detailed: `action id ${JSON.stringify(id)} can never be clicked (the action route only matches [A-Za-z0-9]+)`,
        },
      );
    }
    if (seen.has(id)) {
      return new AppError(
        400,
        "fake_mattermost.post.action_id.app_error",
        "Action ids must be unique in a post.",
        {
          kind: "invalid_request",
          rule: "action_id_duplicate",
          detailed: `action id ${id} appears twice; a click reaches only the first`,
        },
      );
    }
    seen.add(id);
  }
  return null;
}

/** What `PostAction.IsValid` and the attachment checks would log (the server only warns about these). */
export function attachmentWarnings(props: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const action of attachmentActions(props)) {
    const label = JSON.stringify(action.id ?? action.name ?? "?");
    if (typeof action.name !== "string" || action.name === "") out.push(`action ${label} must have a name`);
    if (action.type !== "button" && action.type !== "select") out.push(`action ${label} has an invalid type`);
    const integration = action.integration;
    const url = isObject(integration) ? integration.url : undefined;
    if (typeof url !== "string" || !/^https?:\/\//.test(url)) {
      out.push(`action ${label} must have a valid integration URL`);
    }
  }
  return out;
}

/** Go's `len` of a string: its UTF-8 bytes, the unit every dialog limit is checked in. */
export function goLen(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/**
 * `OpenDialogRequest.IsValid` (model/integration_action.go): every problem, as the server logs them. The server
 * measures with Go's `len`, in bytes: 24 characters with one "é" are 25 and too long for a title.
 */
export function dialogIssues(dialog: DialogJson): string[] {
  const issues: string[] = [];
  if (dialog.title === "" || goLen(dialog.title) > DIALOG_LIMITS.title) {
    issues.push(
      `invalid dialog title ${JSON.stringify(dialog.title)} (required, at most ${DIALOG_LIMITS.title} bytes)`,
    );
  }
  if (dialog.icon_url !== "" && !/^https?:\/\//.test(dialog.icon_url)) issues.push("invalid icon url");
  const names = new Set<string>();
  for (const e of dialog.elements) {
    const where = `element ${JSON.stringify(e.name)}`;
    if (names.has(e.name)) issues.push(`duplicate dialog element ${JSON.stringify(e.name)}`);
    names.add(e.name);
    if (e.min_length < 0) issues.push(`${where}: min_length cannot be negative`);
    if (e.min_length > e.max_length) {
      issues.push(`${where}: min_length ${e.min_length} is greater than max_length ${e.max_length}`);
    }
    const check = (field: string, value: string, limit: number, required = false) => {
      if (required && value.length === 0) issues.push(`${where}: ${field} cannot be empty`);
      if (goLen(value) > limit) issues.push(`${where}: ${field} is longer than ${limit} bytes`);
    };
    check("display_name", e.display_name, DIALOG_LIMITS.displayName, true);
    check("name", e.name, DIALOG_LIMITS.name, true);
    check("help_text", e.help_text, DIALOG_LIMITS.helpText);
    if (e.multiselect && e.type !== "select") issues.push(`${where}: multiselect needs type select`);
    const inOptions = (v: string) => v === "" || (e.options ?? []).some((o) => o.value === v);
    switch (e.type) {
      case "text":
      case "textarea": {
        const limit = e.type === "text" ? DIALOG_LIMITS.text : DIALOG_LIMITS.textarea;
        check("default", e.default, limit);
        check("placeholder", e.placeholder, limit);
        const subtypes = ["", "text", "email", "number", "tel", "url", "password"];
        if (!subtypes.includes(e.subtype))
          issues.push(`${where}: invalid subtype ${JSON.stringify(e.subtype)}`);
        break;
      }
      case "select":
        check("default", e.default, DIALOG_LIMITS.select);
        check("placeholder", e.placeholder, DIALOG_LIMITS.select);
        if (!["", "users", "channels", "dynamic"].includes(e.data_source)) {
          issues.push(`${where}: invalid data_source ${JSON.stringify(e.data_source)}`);
        }
        if (e.data_source === "" && !inOptions(e.default)) {
          issues.push(`${where}: default ${JSON.stringify(e.default)} is not one of the options`);
        }
        break;
      case "bool":
        if (!["", "true", "false"].includes(e.default)) issues.push(`${where}: invalid default of bool`);
        check("placeholder", e.placeholder, DIALOG_LIMITS.boolPlaceholder);
        break;
      case "radio":
        if (!inOptions(e.default)) issues.push(`${where}: default is not one of the options`);
        break;
      case "date":
      case "datetime":
        check("default", e.default, DIALOG_LIMITS.text);
        check("placeholder", e.placeholder, DIALOG_LIMITS.text);
        break;
      default:
        issues.push(`${where}: invalid element type ${JSON.stringify(e.type)}`);
    }
  }
  return issues;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
