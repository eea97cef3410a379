// Applying a `CommandResponse` (model/command_response.go, app/command.go HandleCommandResponse) the way the
// server does for a slash command's reply and for its response URL: `in_channel` becomes a post by the person who
// ran the command, anything else an ephemeral post to them; `extra_responses` are handled the same, in order.

import { AppError } from "./records.js";
import { isObject, type Publisher, publishPost } from "./rest.js";
import type { EphemeralPost, MmChannel, MmUser } from "./state.js";

export interface CommandTarget {
  user: MmUser;
  channel: MmChannel;
  rootId: string;
}

/** A reply body as the server reads it: JSON when the Content-Type (parameters ignored) says so, else the text. */
export function parseCommandResponse(contentType: string, text: string): Record<string, unknown> {
  if (contentType.split(";")[0]?.trim().toLowerCase() === "application/json") {
    const parsed: unknown = JSON.parse(text);
    if (!isObject(parsed)) throw new SyntaxError("a CommandResponse must be a JSON object");
    return parsed;
  }
  return { text };
}

export function applyCommandResponse(
  p: Publisher,
  target: CommandTarget,
  response: Record<string, unknown>,
  via: EphemeralPost["via"],
): void {
  const text = typeof response.text === "string" ? response.text : "";
  const props: Record<string, unknown> = isObject(response.props) ? { ...response.props } : {};
  if (Array.isArray(response.attachments)) props.attachments = response.attachments;
  const hasContent = text !== "" || Object.keys(props).length > 0;
  if (hasContent) {
    if (response.response_type === "in_channel") {
      const channel = inChannelTarget(p, target, response.channel_id);
      publishPost(p, {
        channel,
        user: target.user,
        message: text,
        props: { ...props, from_webhook: "true" },
        rootId: target.rootId,
        type: typeof response.type === "string" ? response.type : "",
      });
    } else {
      p.world.ephemerals.push({
        userId: target.user.id,
        channelId: target.channel.id,
        message: text,
        props,
        via,
        at: p.world.now(),
      });
    }
  }
  const extra = Array.isArray(response.extra_responses) ? response.extra_responses : [];
  for (const r of extra) if (isObject(r)) applyCommandResponse(p, target, r, via);
}

/** `channel_id` may redirect an in-channel reply, but only to a channel the invoking person is in. */
function inChannelTarget(p: Publisher, target: CommandTarget, channelId: unknown): MmChannel {
  if (typeof channelId !== "string" || channelId === "" || channelId === target.channel.id)
    return target.channel;
  const channel = p.world.channels.get(channelId);
  if (!channel?.members.has(target.user.id)) {
    throw new AppError(
      403,
      "api.command.command_post.forbidden.app_error",
      "Specified user is not a member of specified channel.",
      { kind: "permission", rule: "command_response_channel", detailed: `channel_id=${channelId}` },
    );
  }
  return channel;
}
