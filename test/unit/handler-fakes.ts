import type { HandlerContext } from "../../handlers/context.js";
import { parseConfigText } from "../../src/config/file.js";
import type { Incident } from "../../src/core/incident/incident.js";
import type { TimelineEvent } from "../../src/core/incident/timeline.js";
import { initialTimers } from "../../src/core/incident/timers.js";
import type {
  ChatPlatform,
  FetchedMessage,
  Inbound,
  IncidentChange,
  IncidentStore,
  OutboxItem,
  PlatformUser,
  TimerRef,
} from "../../src/core/ports.js";
import type { Settings } from "../../src/core/settings.js";
import { loadTemplates, type TemplateName } from "../../src/core/templates/index.js";
import { STANDARD_SEVERITIES } from "../helpers/config-fixtures.js";

/**
 * An in-memory HandlerContext for handler unit tests: the store runs `change` the way the Redis store does
 * (on the incident as it is at the write, re-run-free), and everything the handlers ask for is recorded.
 * `concurrently` is a write someone else makes just before this test's first write lands, to stage races.
 */
export const settings: Settings = parseConfigText(
  `
timezone: Europe/Berlin
announce_channel: incidents
people:
  - { id: dana, slack: U0DANA, timezone: Europe/Berlin }
  - { id: bob, slack: U0BOB, timezone: America/New_York }
rotations:
  - { id: primary, members: [dana], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2020-01-06 }
escalation_policies:
  - id: default
    steps:
      - { notify: [rotation:primary] }
      - { notify: [person:bob], after: 2m }
fallback_policy: default
${STANDARD_SEVERITIES}`,
  "test.yml",
);

export const T0 = new Date("2026-11-20T22:00:00Z");

export function anIncident(over: Partial<Incident> = {}): Incident {
  return {
    id: "INC-1",
    number: 1,
    title: "Search is down",
    kind: "incident",
    severity: "sev3",
    state: "acknowledged",
    platform: "slack",
    origin: { conversationId: "C0GEN" },
    reporters: [{ platformUserId: "U0BOB" }],
    commander: { platformUserId: "U0DANA", personId: "dana" },
    channel: { id: "C0INC", name: "inc-1" },
    timers: initialTimers(settings, { severity: "sev3" }, T0),
    createdAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
    ...over,
  };
}

export function inbound(body: Inbound["body"], over: Partial<Inbound> = {}): Inbound {
  return {
    platform: "slack",
    actor: "U0DANA",
    conversationId: "C0INC",
    deliveryId: `d-${Math.random().toString(36).slice(2)}`,
    body,
    ...over,
  };
}

/** The people the fake platform knows: the two of the config, a bot and a deactivated account. */
export const PLATFORM_USERS: PlatformUser[] = [
  { id: "U0DANA", name: "Dana", isBot: false, deleted: false },
  { id: "U0BOB", name: "Bob", isBot: false, deleted: false },
  { id: "U0ALICE", name: "Alice", isBot: false, deleted: false },
  { id: "U0BOT", name: "deploy-bot", isBot: true, deleted: false },
  { id: "U0GONE", name: "Gus", isBot: false, deleted: true },
];

/** Who is in which channel on the fake platform: Alice is in none of the incident's. */
export const CHANNEL_MEMBERS: Record<string, string[]> = {
  C0INC: ["U0DANA", "U0BOB", "U0BOT"],
  C0GEN: ["U0DANA", "U0BOB", "U0ALICE"],
};

/** Messages the fake platform can read back, by `<channel>/<message id>`. */
export const FETCHABLE_MESSAGES: Record<string, FetchedMessage> = {
  "C0INC/1700000000.000100": {
    text: "Rolled back the search deploy, <@U0BOB> is watching the graphs",
    author: "U0DANA",
    at: "2023-11-14T22:13:20.000Z",
    link: "https://example.slack.com/archives/C0INC/p1700000000000100",
  },
};

export interface Fake {
  ctx: HandlerContext;
  /** The incident as the store holds it now. */
  current(): Incident;
  /** Writes that landed, with their events. */
  writes: IncidentChange[];
  scheduled: TimerRef[];
  cancelled: Omit<TimerRef, "dueAt">[];
  sent: OutboxItem[];
  claims: string[];
  /** Every render: the template and its variables. */
  rendered: { name: string; vars: Record<string, unknown> }[];
}

export async function fakeContext(
  incident: Incident,
  options: {
    concurrently?: (current: Incident) => Incident;
    timeline?: TimelineEvent[];
    /** Replace the platform's people, channel members or readable messages (defaults above). */
    users?: PlatformUser[];
    members?: Record<string, string[]>;
    messages?: Record<string, FetchedMessage>;
  } = {},
): Promise<Fake> {
  const templates = await loadTemplates();
  let current = incident;
  let concurrently = options.concurrently;
  const fake: Omit<Fake, "ctx"> = {
    current: () => current,
    writes: [],
    scheduled: [],
    cancelled: [],
    sent: [],
    claims: [],
    rendered: [],
  };
  const store: IncidentStore = {
    nextNumber: async () => 2,
    create: async () => {},
    get: async (id) => (id === current.id ? current : null),
    async update(id, change) {
      if (id !== current.id) throw new Error(`Incident ${id} does not exist.`);
      if (concurrently) {
        // Someone else's write lands first; the optimistic store would re-run `change` on its result.
        current = concurrently(current);
        concurrently = undefined;
      }
      const r = change(current);
      if (!r) return { incident: current, changed: false };
      current = r.incident;
      fake.writes.push(r);
      return { incident: current, changed: true };
    },
    appendEvent: async () => {},
    timeline: async () => options.timeline ?? [],
    listOpen: async () => [current.id],
    listTimed: async () => [current.id],
    all: async () => [current],
    linkChannel: async () => {},
    findByChannel: async (_platform, channelId) => (channelId === current.channel?.id ? current.id : null),
  };
  const platform = {
    platform: "slack",
    maxChannelNameLength: 80,
    resolveChannel: async () => "C0ANNOUNCE",
    replyEphemeral: async () => {},
    userInfo: async (userId: string) =>
      (options.users ?? PLATFORM_USERS).find((u) => u.id === userId) ?? null,
    isMember: async (channelId: string, userId: string) =>
      ((options.members ?? CHANNEL_MEMBERS)[channelId] ?? []).includes(userId),
    fetchMessage: async (channelId: string, messageId: string) =>
      (options.messages ?? FETCHABLE_MESSAGES)[`${channelId}/${messageId}`] ?? null,
  } as unknown as ChatPlatform;
  const ctx: HandlerContext = {
    settings,
    store,
    idempotency: {
      claim: async (key) => {
        fake.claims.push(key);
        return true;
      },
      remember: async () => {},
      recall: async () => null,
    },
    jobs: {
      enqueueOpenEffects: async () => {},
      scheduleTimer: async (t) => void fake.scheduled.push(t),
      cancelTimer: async (t) => void fake.cancelled.push(t),
      pendingTimers: async () => [],
    },
    outbox: {
      send: async (...items) => void fake.sent.push(...items),
      delivered: async () => null,
    },
    // Incident commands read overrides before they page; these tests have none. Changing on-call state is
    // tested against the real store (test/integration/oncall-*.test.ts).
    oncall: new Proxy(
      {
        overrides: async () => [],
        away: async () => [],
        askedSince: async () => ({}),
        recordAsked: async () => {},
      } as Record<string, unknown>,
      {
        get: (known, name) =>
          typeof name === "string" && name in known
            ? known[name]
            : () => Promise.reject(new Error(`the on-call store (${String(name)}) is not faked here`)),
      },
    ) as unknown as HandlerContext["oncall"],
    publicUrl: "http://firebreak.test",
    webTokens: {},
    platform: () => platform,
    render: (name, vars) => {
      fake.rendered.push({ name, vars });
      return templates.render(name as TemplateName, vars as never);
    },
    clock: { now: () => new Date(T0.getTime() + 60_000) },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  };
  return { ...fake, ctx };
}
