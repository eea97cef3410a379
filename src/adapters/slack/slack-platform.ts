import type { WebClient } from "@slack/web-api";
import { NameTakenError, PlatformError } from "../../core/errors.js";
import type { ChatPlatform, Logger } from "../../core/ports.js";
import { toBlockKit, toModal } from "./block-kit.js";

/** Slack errors worth retrying: the platform was busy or broken, not our request. */
const RETRYABLE = new Set([
  "ratelimited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "team_added_to_org",
]);

/** Turns a Web API failure into our error types at the boundary, so handlers never see SDK errors. */
export function translateSlackError(err: unknown, method: string, channelName = ""): never {
  const e = err as { code?: string; data?: { error?: string }; message?: string };
  const code = e.data?.error;
  if (code === "name_taken") throw new NameTakenError(channelName);
  if (code) throw new PlatformError(code, `Slack refused ${method}: ${code}`, RETRYABLE.has(code));
  // HTTP errors, timeouts and refused connections: Slack may be down; a retry later can succeed.
  throw new PlatformError(
    "unreachable",
    `Slack could not be reached for ${method}: ${e.message ?? String(err)}`,
    true,
  );
}

async function call<T>(method: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    return translateSlackError(err, method);
  }
}

export function createSlackPlatform(client: WebClient, logger: Logger): ChatPlatform {
  const announceCache = new Map<string, string>();
  let botUserId: string | undefined;
  const whoAmI = async () => {
    if (!botUserId) {
      const auth = await call("auth.test", () => client.auth.test());
      botUserId = auth.user_id as string;
    }
    return botUserId;
  };

  return {
    platform: "slack",
    maxChannelNameLength: 80,

    async createChannel(name, options) {
      const res = await client.conversations
        .create({ name })
        .catch((err: unknown) => translateSlackError(err, "conversations.create", name));
      const channel = res.channel as { id: string; name: string };
      if (options.topic) {
        await call("conversations.setTopic", () =>
          client.conversations.setTopic({ channel: channel.id, topic: options.topic?.slice(0, 250) ?? "" }),
        ).catch((err: unknown) => logger.warn({ err: String(err) }, "could not set the channel topic"));
      }
      return { id: channel.id, name: channel.name };
    },

    async invite(channelId, userIds) {
      const me = await whoAmI();
      const users = userIds.filter((u) => u !== me);
      if (users.length === 0) return;
      try {
        await client.conversations.invite({ channel: channelId, users: users.join(",") });
      } catch (err) {
        // Everyone asked for is already there: the goal is met.
        if ((err as { data?: { error?: string } }).data?.error === "already_in_channel") return;
        translateSlackError(err, "conversations.invite");
      }
    },

    async post(channelId, message) {
      const res = await call("chat.postMessage", () =>
        client.chat.postMessage({ channel: channelId, ...toBlockKit(message), unfurl_links: false }),
      );
      return { channelId: res.channel as string, messageId: res.ts as string };
    },

    async update(target, message) {
      await call("chat.update", () =>
        client.chat.update({ channel: target.channelId, ts: target.messageId, ...toBlockKit(message) }),
      );
    },

    async pin(target) {
      try {
        await client.pins.add({ channel: target.channelId, timestamp: target.messageId });
      } catch (err) {
        if ((err as { data?: { error?: string } }).data?.error === "already_pinned") return;
        translateSlackError(err, "pins.add");
      }
    },

    async sendDirect(userId, message) {
      const dm = await call("conversations.open", () => client.conversations.open({ users: userId }));
      const channel = (dm.channel as { id: string }).id;
      const res = await call("chat.postMessage", () =>
        client.chat.postMessage({ channel, ...toBlockKit(message) }),
      );
      return { channelId: channel, messageId: res.ts as string };
    },

    async replyEphemeral(to, message) {
      const body = toBlockKit(message);
      if (to.responseUrl) {
        const res = await fetch(to.responseUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ response_type: "ephemeral", replace_original: false, ...body }),
        }).catch((err: unknown) => {
          throw new PlatformError("unreachable", `response_url could not be reached: ${String(err)}`, true);
        });
        if (res.ok) return;
        // response_url expires after 30 minutes or 5 uses; fall back to an ephemeral post in the channel.
        logger.info({ status: res.status }, "response_url refused the reply; using chat.postEphemeral");
      }
      await call("chat.postEphemeral", () =>
        client.chat.postEphemeral({ channel: to.conversationId, user: to.userId, ...body }),
      );
    },

    async openForm(triggerId, form) {
      await call("views.open", () =>
        client.views.open({
          trigger_id: triggerId,
          view: toModal(form) as unknown as Parameters<typeof client.views.open>[0]["view"],
        }),
      );
    },

    async resolveChannel(name) {
      const cached = announceCache.get(name);
      if (cached) return cached;
      let cursor: string | undefined;
      do {
        const page = await call("conversations.list", () =>
          client.conversations.list({ types: "public_channel", exclude_archived: true, limit: 200, cursor }),
        );
        const found = (page.channels ?? []).find((c) => c.name === name);
        if (found?.id) {
          // Joining once lets the bot post there even where chat:write.public is not granted.
          if (!found.is_member) {
            await call("conversations.join", () =>
              client.conversations.join({ channel: found.id as string }),
            ).catch((err: unknown) =>
              logger.warn({ err: String(err), channel: name }, "could not join the announce channel"),
            );
          }
          announceCache.set(name, found.id);
          return found.id;
        }
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      return null;
    },

    channelUrl() {
      // Slack renders <#C…> references as links in every client; a URL would need the workspace domain.
      return null;
    },
  };
}
