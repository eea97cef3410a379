// Channels and their members (api4/channel.go, app/channel.go): creation rules of PLATFORMS.md §2.7, patching,
// joining and adding people, direct channels.

import { isValidId } from "./ids.js";
import { channelJson, memberJson } from "./json.js";
import { AppError, Errors } from "./records.js";
import {
  bodyObject,
  memberChannel,
  optionalString,
  pageOf,
  type RestContext,
  type Route,
  readableChannel,
  systemPost,
} from "./rest.js";
import { checkChannel } from "./rules.js";
import type { MmChannel, MmUser } from "./state.js";

function createChannel(ctx: RestContext): unknown {
  const body = bodyObject(ctx, "channel");
  const teamId = optionalString(body, "team_id") ?? "";
  const displayName = optionalString(body, "display_name") ?? "";
  if (!teamId) throw Errors.invalidBodyParam("team_id", "missing_team_id");
  if (!displayName) throw Errors.invalidBodyParam("display_name", "missing_display_name");
  const type = body.type ?? "O";
  if (type !== "O" && type !== "P") {
    throw new AppError(400, "model.channel.is_valid.type.app_error", "Invalid type.", {
      kind: "invalid_request",
      rule: "channel_type",
    });
  }
  const team = ctx.world.teams.get(teamId);
  if (!team?.members.has(ctx.actor.id)) {
    throw Errors.permission("create_channel_permission", `not a member of team ${teamId}`);
  }
  const fields = {
    name: optionalString(body, "name") ?? "",
    displayName: displayName.trim(),
    header: optionalString(body, "header") ?? "",
    purpose: optionalString(body, "purpose") ?? "",
  };
  const invalid = checkChannel(fields);
  if (invalid) throw invalid;
  if (ctx.world.channelByName(team.id, fields.name)) {
    throw new AppError(
      400,
      "store.sql_channel.save_channel.exists.app_error",
      "A channel with that name already exists on the same team.",
      { kind: "state", rule: "channel_name_taken", detailed: `name=${fields.name}` },
    );
  }
  const channel = ctx.world.insertChannel({ ...fields, teamId: team.id, type, creatorId: ctx.actor.id });
  channel.members.add(ctx.actor.id);
  systemPost(ctx, channel, ctx.actor, "system_join_channel", `@${ctx.actor.username} joined the channel.`);
  return channelJson(channel);
}

function patchChannel(ctx: RestContext): unknown {
  const channel = memberChannel(ctx, ctx.params.channel_id ?? "", "patch_channel_not_member");
  if (channel.type === "D" || channel.type === "G") throw Errors.permission("patch_direct_channel");
  const body = bodyObject(ctx, "channel");
  const next = {
    name: optionalString(body, "name") ?? channel.name,
    displayName: optionalString(body, "display_name")?.trim() ?? channel.displayName,
    header: optionalString(body, "header") ?? channel.header,
    purpose: optionalString(body, "purpose") ?? channel.purpose,
  };
  const invalid = checkChannel(next);
  if (invalid) throw invalid;
  const clash = ctx.world.channelByName(channel.teamId, next.name);
  if (clash && clash.id !== channel.id) {
    throw new AppError(
      400,
      "store.sql_channel.update_channel.exists.app_error",
      "A channel with that name already exists on the same team.",
      { kind: "state", rule: "channel_name_taken" },
    );
  }
  Object.assign(channel, next, { updateAt: ctx.world.stamp() });
  return channelJson(channel);
}

/**
 * `{user_id}` answers one ChannelMember, `{user_ids}` an array; adding a member again is not an error, nor is
 * adding a deactivated account; someone outside the channel's team is refused (404).
 */
function addMembers(ctx: RestContext): unknown {
  const body = bodyObject(ctx, "user_id");
  const single = optionalString(body, "user_id");
  const many = body.user_ids;
  if (many !== undefined && (!Array.isArray(many) || many.some((id) => typeof id !== "string"))) {
    throw Errors.invalidBodyParam("user_ids", "body_field_type");
  }
  const ids: string[] = single ? [single] : ((many as string[] | undefined) ?? []);
  if (ids.length === 0) throw Errors.invalidBodyParam("user_id", "missing_user_id");
  const channel = readableChannel(ctx, ctx.params.channel_id ?? "");
  if (channel.type === "D" || channel.type === "G") {
    throw new AppError(
      400,
      "api.channel.add_user_to_channel.type.app_error",
      "Can not add user to this channel type.",
      {
        kind: "invalid_request",
        rule: "add_to_direct_channel",
      },
    );
  }
  const selfJoin = ids.length === 1 && ids[0] === ctx.actor.id;
  // Joining an open channel needs only team membership; adding others needs to be in the channel.
  if (!channel.members.has(ctx.actor.id) && !(selfJoin && channel.type === "O")) {
    throw Errors.permission(
      "add_members_not_member",
      `${ctx.actor.username} must be a member of ${channel.name} to add people`,
    );
  }
  // As api4 addChannelMember: each person on their own; a refusal fails the call only when nobody was added.
  // A deactivated account is no refusal (the server does not check it); one outside the channel's team is.
  const team = ctx.world.teams.get(channel.teamId);
  const users: MmUser[] = [];
  let lastError: AppError | undefined;
  for (const id of ids) {
    const user = ctx.world.users.get(id);
    if (!user) {
      lastError = Errors.missingUser(false);
    } else if (!team?.members.has(user.id)) {
      lastError = new AppError(
        404,
        "app.team.get_member.missing.app_error",
        "No team member found for that user ID and team ID.",
        {
          kind: "state",
          rule: "add_user_not_in_team",
          detailed: `@${user.username} is not in the channel's team`,
        },
      );
    } else {
      users.push(user);
    }
  }
  if (users.length === 0 && lastError) throw lastError;
  for (const user of users) {
    if (channel.members.has(user.id)) continue;
    channel.members.add(user.id);
    if (user.id === ctx.actor.id) {
      systemPost(ctx, channel, user, "system_join_channel", `@${user.username} joined the channel.`);
    } else {
      systemPost(
        ctx,
        channel,
        ctx.actor,
        "system_add_to_channel",
        `@${user.username} added to the channel by @${ctx.actor.username}.`,
      );
    }
  }
  const members = users.map((u) => memberJson(channel, u.id));
  return single ? members[0] : members;
}

function directChannel(ctx: RestContext): unknown {
  const ids = ctx.body;
  if (!Array.isArray(ids) || ids.length !== 2 || !ids.every((id) => typeof id === "string")) {
    throw Errors.invalidBodyParam("user_ids", "direct_channel_ids");
  }
  const [a, b] = ids as [string, string];
  if (a !== ctx.actor.id && b !== ctx.actor.id) throw Errors.permission("direct_channel_for_others");
  for (const id of [a, b]) {
    if (!isValidId(id)) throw Errors.invalidBodyParam("user_id", "direct_channel_ids");
    if (!ctx.world.users.get(id)) throw Errors.missingUser(false);
  }
  // Created on first use, the same channel afterwards; 201 either way.
  return channelJson(ctx.world.directChannel(a, b));
}

function byName(ctx: RestContext): MmChannel {
  const team = ctx.world.teams.get(ctx.params.team_id ?? "");
  if (!team?.members.has(ctx.actor.id)) throw Errors.permission("team_not_member");
  const channel = ctx.world.channelByName(team.id, ctx.params.channel_name ?? "");
  // Private channels the bot is not in answer "not found", as the server hides them.
  if (!channel || !(channel.type === "O" || channel.members.has(ctx.actor.id))) {
    throw new AppError(
      404,
      "app.channel.get_by_name.missing.app_error",
      "Unable to find the existing channel.",
      {
        kind: null,
        rule: "unknown_channel_name",
      },
    );
  }
  return channel;
}

/** Go's `strconv.ParseBool`, which the server's params use: anything else leaves the default. */
function parseGoBool(raw: string | null): boolean | undefined {
  if (raw === null) return undefined;
  if (["1", "t", "T", "TRUE", "true", "True"].includes(raw)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(raw)) return false;
  return undefined;
}

/**
 * `GET /users/{user_id}/teams/{team_id}/channels` (api4 getChannelsForTeamForUser, store GetChannels): the
 * channels of the team the user belongs to plus their direct and group messages (which have no team), by
 * display name; archived ones only with `include_deleted` (and, with `last_delete_at`, only those archived
 * since). Another user's list needs `edit_other_users`, which a bot lacks; none at all is a 404.
 */
function channelsForTeamForUser(ctx: RestContext): unknown {
  const userId = ctx.params.user_id === "me" ? ctx.actor.id : (ctx.params.user_id ?? "");
  if (userId !== ctx.actor.id) throw Errors.permission("other_users_channels", "needs edit_other_users");
  const team = ctx.world.teams.get(ctx.params.team_id ?? "");
  if (!team?.members.has(ctx.actor.id)) throw Errors.permission("team_not_member", "needs view_team");
  const lastDeleteAt = Number.parseInt(ctx.query.get("last_delete_at") ?? "", 10) || 0;
  if (lastDeleteAt < 0) throw Errors.invalidUrlParam("last_delete_at", "url_param_last_delete_at");
  const includeDeleted = parseGoBool(ctx.query.get("include_deleted")) ?? false;
  const shown = (c: MmChannel) => {
    const deletedAt = c.deleteAt ?? 0;
    if (deletedAt === 0) return true;
    return includeDeleted && (lastDeleteAt === 0 || deletedAt >= lastDeleteAt);
  };
  const channels = [...ctx.world.channels.values()]
    .filter((c) => c.members.has(userId) && (c.teamId === team.id || c.teamId === "") && shown(c))
    .sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0));
  if (channels.length === 0) {
    // The store's "not found" for an empty list, which the server answers as is: a normal outcome.
    throw new AppError(404, "app.channel.get_channels.not_found.app_error", "No channels were found.", {
      kind: null,
      rule: "no_channels",
    });
  }
  return channels.map(channelJson);
}

export const CHANNEL_ROUTES: Route[] = [
  {
    method: "GET",
    template: "/api/v4/users/{user_id}/teams/{team_id}/channels",
    status: 200,
    handle: channelsForTeamForUser,
  },
  { method: "POST", template: "/api/v4/channels", status: 201, handle: createChannel },
  { method: "POST", template: "/api/v4/channels/direct", status: 201, handle: directChannel },
  {
    method: "GET",
    template: "/api/v4/channels/{channel_id}",
    status: 200,
    handle: (ctx) => channelJson(readableChannel(ctx, ctx.params.channel_id ?? "")),
  },
  {
    method: "GET",
    template: "/api/v4/teams/{team_id}/channels/name/{channel_name}",
    status: 200,
    handle: (ctx) => channelJson(byName(ctx)),
  },
  { method: "PUT", template: "/api/v4/channels/{channel_id}/patch", status: 200, handle: patchChannel },
  { method: "POST", template: "/api/v4/channels/{channel_id}/members", status: 201, handle: addMembers },
  {
    method: "GET",
    template: "/api/v4/channels/{channel_id}/members",
    status: 200,
    handle: (ctx) => {
      const channel = readableChannel(ctx, ctx.params.channel_id ?? "");
      return pageOf(ctx, [...channel.members]).map((id) => memberJson(channel, id));
    },
  },
  {
    method: "GET",
    template: "/api/v4/channels/{channel_id}/members/{user_id}",
    status: 200,
    handle: (ctx) => {
      const channel = readableChannel(ctx, ctx.params.channel_id ?? "");
      const userId = ctx.params.user_id === "me" ? ctx.actor.id : (ctx.params.user_id ?? "");
      if (!channel.members.has(userId)) {
        // How a bot asks "is this person in the channel?": a normal answer, not a violation.
        throw new AppError(
          404,
          "app.channel.get_member.missing.app_error",
          "No channel member found for that user ID and channel ID.",
          {
            kind: null,
            rule: "not_a_member",
          },
        );
      }
      return memberJson(channel, userId);
    },
  },
];
