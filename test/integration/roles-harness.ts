import { expect } from "vitest";
import type { Incident } from "../../src/core/incident/incident.js";
import type { TimelineEvent, TimelineEventType } from "../../src/core/incident/timeline.js";
import { createRedisIncidentStore } from "../../src/infra/redis/incident-store.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { hourlySeverities } from "../helpers/config-fixtures.js";
import {
  DEFAULT_USERS,
  type FakeSlack,
  type StoredMessage,
  startFakeSlack,
} from "../helpers/fake-slack/index.js";
import { eventually, startFirebreak, type TestFirebreak } from "../helpers/firebreak.js";
import type { testRedis } from "../helpers/redis.js";
import { allText } from "../helpers/slack-world.js";

/**
 * What the roles integration tests share: Firebreak on a real Redis with Slack faked. Bob reports, Dana is on
 * call (the commander), Alice is a manager, Erin is a colleague outside the incident channel, Gus has left the
 * company (deactivated), and @firebreak is the bot itself.
 */
export function rolesConfig(
  options: { offer?: string; help?: string; updateEvery?: string; managers?: string[] } = {},
): string {
  return `
timezone: Europe/Berlin
announce_channel: incidents
people:
  - { id: alice, name: Alice, slack: U0ALICE, timezone: Europe/Berlin }
  - { id: bob, name: Bob, slack: U0BOB, timezone: America/New_York }
  - { id: dana, name: Dana, slack: U0DANA, timezone: Europe/Berlin }
  - { id: erin, name: Erin, slack: U0ERIN, timezone: Europe/Berlin }
roles: { managers: [${(options.managers ?? ["alice"]).join(", ")}] }
lifecycle: { offer_expires_after: ${options.offer ?? "1h"}, help_wanted_expires_after: ${options.help ?? "1h"} }
reminders: { dm_after_misses: 2, escalate_after_misses: 5 }
rotations:
  - { id: primary, members: [dana], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2020-01-06 }
escalation_policies:
  - id: default
    steps:
      - { notify: [rotation:primary] }
      - { notify: [person:alice], after: 1h }
fallback_policy: default
${hourlySeverities({ sev2: { update_every: options.updateEvery ?? "1h" } })}`;
}

export { allText } from "../helpers/slack-world.js";
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where a button is, as `sendBlockAction` wants it. */
export interface Button {
  channel: string;
  messageTs: string;
  actionId: string;
}

export interface RolesWorld {
  fake: FakeSlack;
  app: TestFirebreak;
  stop(): Promise<void>;
  incident(): Promise<Incident>;
  timeline(): Promise<TimelineEvent[]>;
  types(): Promise<TimelineEventType[]>;
  /** Bob opens "Search is down" from #general; resolves to the incident channel's id once its card is pinned. */
  open(severity?: string): Promise<string>;
  say(
    channel: string,
    text: string,
    user?: string,
    escaped?: boolean,
  ): ReturnType<FakeSlack["sendSlashCommand"]>;
  inChannel(channel: string): string;
  card(channel: string): string;
  dms(user: string): string;
  /** What only `user` was told (ephemeral replies and refusals). */
  toldOnly(user: string): string;
  /** Waits for a message in `user`'s DMs with a button of `actionId`, the newest one when there are several. */
  dmButton(user: string, actionId: string): Promise<Button>;
  /** Waits for a message in `channel` with a button of `actionId`, the newest one when there are several. */
  channelButton(channel: string, actionId: string): Promise<Button>;
  /** Clicks `actionId` on the newest DM to `owner` that has it (as `clicker`, the owner by default). */
  clickDm(owner: string, actionId: string, clicker?: string): ReturnType<FakeSlack["sendBlockAction"]>;
  /** Waits for the modal with `callbackId` opened for `user` and returns its id. */
  view(user: string, callbackId: string): Promise<string>;
}

export async function startRoles(
  label: string,
  redis: ReturnType<typeof testRedis>,
  config = rolesConfig(),
): Promise<RolesWorld> {
  const fake = await startFakeSlack({
    users: [
      ...DEFAULT_USERS,
      { id: "U0ERIN", name: "erin", realName: "Erin Evans" },
      { id: "U0GUS", name: "gus", realName: "Gus Gone", deleted: true },
    ],
    channels: [{ name: "general", members: ["U0ALICE", "U0BOB", "U0DANA", "U0ERIN"] }, { name: "incidents" }],
  });
  const app = await startFirebreak({
    label,
    config,
    slack: { kind: "http", botToken: fake.botToken, signingSecret: fake.signingSecret, apiUrl: fake.apiUrl },
  });
  fake.botUrl = `${app.url}/slack/events`;
  const store = createRedisIncidentStore(redis, createKeys(app.prefix));

  /** The newest message with a button of `actionId`, and that button's full action id (Block Kit adds `.<n>`). */
  const newestWith = (messages: StoredMessage[], actionId: string) => {
    for (const m of [...messages].reverse()) {
      const full = new RegExp(`"action_id":"(${actionId}\\.\\d+)"`).exec(allText(m))?.[1];
      if (full) return { messageTs: m.ts, actionId: full };
    }
    return undefined;
  };

  const world: RolesWorld = {
    fake,
    app,
    async stop() {
      await app.stop();
      await fake.close();
    },
    async incident() {
      const incident = await store.get("INC-1");
      if (!incident) throw new Error("no INC-1");
      return incident;
    },
    timeline: () => store.timeline("INC-1"),
    async types() {
      return (await store.timeline("INC-1")).map((e) => e.type);
    },
    async open(severity = "sev3") {
      await fake.sendSlashCommand({ text: `open Search is down ${severity}`, user: "U0BOB" });
      return eventually(() => {
        const channel = fake.channel("inc-1-search-is-down");
        if (!channel || channel.pins.size === 0) throw new Error("no kickoff yet");
        return channel.id;
      }, 10_000);
    },
    say: (channel, text, user = "U0DANA", escaped = true) =>
      fake.sendSlashCommand({ text, user, channel, escape: escaped }),
    inChannel: (channel) => fake.messages(channel).map(allText).join("\n"),
    card(channel) {
      const c = fake.channel(channel);
      const pinned = c?.messages.find((m) => c.pins.has(m.ts));
      if (!pinned) throw new Error("no pinned card");
      return allText(pinned);
    },
    dms: (user) => (fake.imWith(user)?.messages ?? []).map(allText).join("\n"),
    toldOnly: (user) =>
      fake
        .ephemerals({ user })
        .map((e) => allText(e))
        .join("\n"),
    dmButton: (user, actionId) =>
      eventually(() => {
        const im = fake.imWith(user);
        const found = im && newestWith(im.messages, actionId);
        if (!im || !found) throw new Error(`no DM to ${user} with ${actionId} yet`);
        return { channel: im.id, ...found };
      }, 10_000),
    channelButton: (channel, actionId) =>
      eventually(() => {
        const found = newestWith(fake.messages(channel), actionId);
        if (!found) throw new Error(`no message in ${channel} with ${actionId} yet`);
        return { channel: fake.channel(channel)?.id as string, ...found };
      }, 10_000),
    async clickDm(owner, actionId, clicker = owner) {
      return fake.sendBlockAction({ user: clicker, ...(await world.dmButton(owner, actionId)) });
    },
    view: (user, callbackId) =>
      eventually(() => {
        const v = fake.views.find((x) => x.user === user && x.view.callback_id === callbackId);
        if (!v) throw new Error(`no ${callbackId} view for ${user} yet`);
        return v.id;
      }, 10_000),
  };
  return world;
}

/** The offer of command reached `user`: its DM with the buttons, and the offer recorded. */
export async function offerReached(world: RolesWorld, user: string): Promise<void> {
  await world.dmButton(user, "fbOfferAccept");
  await eventually(async () => expect((await world.incident()).offer?.to.platformUserId).toBe(user), 10_000);
}
