// The WebSocket events the fake broadcasts, shaped as app/notification.go and app/reaction.go build them, and who
// counts as mentioned by a post (app/notification.go's explicit mentions, simplified to what bots meet).

import { postJson } from "./json.js";
import type { MmChannel, MmUser, Reaction, StoredPost, World } from "./state.js";

/** Characters Mattermost allows in a username; a mention ends at the first other character. */
const USERNAME_CHAR = /[a-z0-9.\-_]/i;

/**
 * User ids a post notifies as mentioned, among the channel's members: `@username` (outside code, a trailing `.`,
 * `-` or `_` not part of the name), `@channel` / `@all` / `@here` (everyone), and the other person of a direct
 * channel (every DM notifies). Never the sender.
 */
export function mentionedUserIds(world: World, channel: MmChannel, post: StoredPost): Set<string> {
  const out = new Set<string>();
  if (post.type.startsWith("system_")) return out; // the server's notices notify nobody
  if (channel.type === "D") {
    for (const id of channel.members) out.add(id);
  }
  const text = post.message.replace(/```[\s\S]*?```/g, " ").replace(/`[^`\n]*`/g, " ");
  for (let i = text.indexOf("@"); i >= 0; i = text.indexOf("@", i + 1)) {
    const before = i > 0 ? (text[i - 1] ?? "") : "";
    if (before && (USERNAME_CHAR.test(before) || before === "@")) continue;
    let end = i + 1;
    while (end < text.length && USERNAME_CHAR.test(text[end] ?? "")) end++;
    let name = text.slice(i + 1, end).toLowerCase();
    if (name === "channel" || name === "all" || name === "here") {
      for (const id of channel.members) out.add(id);
      continue;
    }
    while (name) {
      const user = world.userByName(name);
      if (user && channel.members.has(user.id)) {
        out.add(user.id);
        break;
      }
      if (!/[.\-_]$/.test(name)) break;
      name = name.slice(0, -1);
    }
  }
  out.delete(post.userId);
  return out;
}

export interface OutgoingEvent {
  event: string;
  /** Only connections of users for whom this returns data receive the event. */
  dataFor(userId: string): Record<string, unknown> | null;
  broadcast: Record<string, unknown>;
}

function channelBroadcast(channel: MmChannel): Record<string, unknown> {
  return {
    omit_users: null,
    user_id: "",
    channel_id: channel.id,
    team_id: "",
    connection_id: "",
    omit_connection_id: "",
  };
}

/** `posted`: `post` is a JSON string; `mentions`, per connection, a JSON-encoded array of that user's id. */
export function postedEvent(
  world: World,
  channel: MmChannel,
  post: StoredPost,
  sender: MmUser,
): OutgoingEvent {
  const mentioned = mentionedUserIds(world, channel, post);
  const postString = JSON.stringify(postJson(post));
  return {
    event: "posted",
    broadcast: channelBroadcast(channel),
    dataFor(userId) {
      if (!channel.members.has(userId)) return null;
      return {
        channel_display_name: channel.type === "D" ? `@${sender.username}` : channel.displayName,
        channel_name: channel.name,
        channel_type: channel.type,
        post: postString,
        sender_name: `@${sender.username}`,
        set_online: true,
        team_id: channel.teamId,
        ...(mentioned.has(userId) ? { mentions: JSON.stringify([userId]) } : {}),
      };
    },
  };
}

export function postEditedEvent(channel: MmChannel, post: StoredPost): OutgoingEvent {
  const postString = JSON.stringify(postJson(post));
  return {
    event: "post_edited",
    broadcast: channelBroadcast(channel),
    dataFor: (userId) => (channel.members.has(userId) ? { post: postString } : null),
  };
}

/** `reaction_added`: `reaction` is a JSON string of the Reaction. */
export function reactionAddedEvent(channel: MmChannel, reaction: Reaction): OutgoingEvent {
  const reactionString = JSON.stringify({
    user_id: reaction.userId,
    post_id: reaction.postId,
    emoji_name: reaction.emojiName,
    create_at: reaction.createAt,
    update_at: reaction.createAt,
    delete_at: 0,
    remote_id: "",
    channel_id: channel.id,
  });
  return {
    event: "reaction_added",
    broadcast: channelBroadcast(channel),
    dataFor: (userId) => (channel.members.has(userId) ? { reaction: reactionString } : null),
  };
}
