import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../src/config/env.js";
import { loadConfigFile, parseConfigText } from "../../src/config/file.js";
import { ConfigError } from "../../src/core/errors.js";
import { DEMO_CONFIG } from "../../src/main/paths.js";

const demo = readFileSync(DEMO_CONFIG, "utf8");

function configError(text: string): string {
  try {
    parseConfigText(text, "firebreak.yml");
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("environment", () => {
  it("has defaults for everything and runs the playground without Slack variables", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ port: 3000, redisUrl: "redis://127.0.0.1:6379", redisPrefix: "firebreak" });
    expect(env.slack).toBeUndefined();
  });

  it("chooses HTTP or Socket Mode from the Slack variables", () => {
    expect(parseEnv({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }).slack?.kind).toBe("http");
    expect(parseEnv({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }).slack?.kind).toBe("socket");
    expect(
      parseEnv({
        SLACK_BOT_TOKEN: "xoxb-1",
        SLACK_SIGNING_SECRET: "s",
        SLACK_API_URL: "http://127.0.0.1:9/api/",
      }).slack?.apiUrl,
    ).toBe("http://127.0.0.1:9/api/");
  });

  it.each([
    [{ PORT: "eighty" }, /PORT: must be a port number/],
    [{ PORT: "70000" }, /PORT: must be between 1 and 65535/],
    [{ REDIS_URL: "localhost:6379" }, /REDIS_URL: must start with redis:\/\//],
    [{ SLACK_BOT_TOKEN: "xoxp-user" }, /SLACK_BOT_TOKEN: must be a bot token starting with xoxb-/],
    [{ SLACK_SIGNING_SECRET: "s" }, /SLACK_BOT_TOKEN: is required/],
    [{ SLACK_BOT_TOKEN: "xoxb-1" }, /SLACK_SIGNING_SECRET: is required .* or set SLACK_APP_TOKEN/],
    [
      { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", SLACK_API_URL: "https://slack.com/api" },
      /SLACK_API_URL: must be a URL ending in '\/'/,
    ],
    [{ LOG_LEVEL: "loud" }, /LOG_LEVEL/],
  ])("names the variable and the fix: %j", (env, message) => {
    expect(() => parseEnv(env)).toThrow(message);
  });

  const MATTERMOST = {
    MATTERMOST_URL: "https://chat.example.com/",
    MATTERMOST_BOT_TOKEN: "bot-token",
    MATTERMOST_COMMAND_TOKENS: " first-token , second-token ,",
    MATTERMOST_ACTIONS_SECRET: "0123456789abcdef0123",
  };

  it("serves Mattermost with its four variables, next to Slack or alone", () => {
    expect(parseEnv(MATTERMOST).mattermost).toEqual({
      url: "https://chat.example.com",
      botToken: "bot-token",
      commandTokens: ["first-token", "second-token"],
      actionsSecret: "0123456789abcdef0123",
      team: undefined,
    });
    const both = parseEnv({ ...MATTERMOST, SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" });
    expect(both.slack?.kind).toBe("http");
    expect(both.mattermost?.team).toBeUndefined();
    expect(parseEnv({ ...MATTERMOST, MATTERMOST_TEAM: "engineering" }).mattermost?.team).toBe("engineering");
    expect(parseEnv({}).mattermost).toBeUndefined();
  });

  it.each([
    [{ MATTERMOST_URL: "https://chat.example.com" }, /MATTERMOST_BOT_TOKEN: is required to serve Mattermost/],
    [
      { ...MATTERMOST, MATTERMOST_COMMAND_TOKENS: " , " },
      /MATTERMOST_COMMAND_TOKENS: list the slash command's token/,
    ],
    [{ ...MATTERMOST, MATTERMOST_ACTIONS_SECRET: "short" }, /MATTERMOST_ACTIONS_SECRET: must be at least 16/],
    [
      { ...MATTERMOST, MATTERMOST_URL: "chat.example.com" },
      /MATTERMOST_URL: must be your Mattermost site URL/,
    ],
    [{ ...MATTERMOST, MATTERMOST_TEAM: "Engineering Team" }, /MATTERMOST_TEAM: must be a team's URL name/],
  ])("names the Mattermost variable and the fix: %j", (env, message) => {
    expect(() => parseEnv(env)).toThrow(message);
  });

  it("lists every missing Mattermost variable at once, without echoing the one that is set", () => {
    try {
      parseEnv({ MATTERMOST_BOT_TOKEN: "super-secret-bot-token" });
      throw new Error("expected a ConfigError");
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toMatch(/MATTERMOST_URL: is required/);
      expect(message).toMatch(/MATTERMOST_COMMAND_TOKENS: is required/);
      expect(message).toMatch(/MATTERMOST_ACTIONS_SECRET: is required/);
      expect(message).not.toContain("super-secret");
    }
  });

  it("never echoes a secret back", () => {
    try {
      parseEnv({ SLACK_BOT_TOKEN: "xoxp-super-secret-value" });
    } catch (err) {
      expect((err as Error).message).not.toContain("super-secret");
    }
  });
});

describe("config file", () => {
  it("loads the demo config (the DESIGN.md example, grown)", () => {
    const settings = loadConfigFile(DEMO_CONFIG);
    expect(settings.announceChannel).toBe("incidents");
    expect(settings.rotations[0]?.layers[0]?.members).toEqual(["alice", "bob"]);
    expect(settings.policies[0]?.steps[1]).toEqual({
      afterMs: 30 * 60_000,
      notify: [{ kind: "person", id: "dana" }],
    });
    expect(settings.severities.sev1).toEqual({ updateEveryMs: 30 * 60_000, ackWithinMs: 5 * 60_000 });
    expect(settings.people.find((p) => p.id === "bob")?.timezone).toBe("America/New_York");
  });

  it("reports a YAML syntax error with its line", () => {
    expect(configError("timezone: UTC\nannounce_channel: [incidents\n")).toMatch(
      /firebreak\.yml:\d+: .*fix the YAML syntax/,
    );
  });

  it("reports each problem at its own line, all at once", () => {
    const text = demo
      .replace("timezone: America/New_York", "timezone: America/New_Yrok")
      .replace("members: [alice, bob]", "members: [alice, bobby]")
      .replace("sev2: { update_every: 1h,", "sev2: { update_every: soon,")
      .replace("policy: default }\n  - { id: checkout", "policy: nope }\n  - { id: checkout");
    const message = configError(text);
    const lineOf = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
    expect(message).toContain(
      `firebreak.yml:${lineOf("America/New_Yrok")}: people[1].timezone: unknown time zone`,
    );
    expect(message).toContain(
      `firebreak.yml:${lineOf("update_every: soon")}: severities.sev2.update_every: not a duration`,
    );
    expect(message).toMatch(/problem\(s\)/);
    // Cross-references are checked once the shapes are right.
    const refs = configError(
      demo
        .replace("members: [alice, bob]", "members: [alice, bobby]")
        .replace("policy: default }\n  - { id: checkout", "policy: nope }\n  - { id: checkout"),
    );
    expect(refs).toContain(
      `firebreak.yml:${lineOf("members: [alice")}: rotations[0].members[1]: "bobby" is not in people`,
    );
    expect(refs).toMatch(/services\[0\]\.policy: unknown escalation policy "nope"/);
  });

  it.each([
    [
      "announce_channel: incidents",
      "announce_channel: Incidents!",
      /announce_channel: channel names use lowercase/,
    ],
    [
      'channel_name: "inc-{number}-{slug}"',
      'channel_name: "inc-{slug}"',
      /must contain \{number\} or \{id\}/,
    ],
    ['channel_name: "inc-{number}-{slug}"', 'channel_name: "inc-{number}-{title}"', /unknown placeholder/],
    [
      "fallback_policy: default",
      "fallback_policy: nobody",
      /fallback_policy: unknown escalation policy "nobody"/,
    ],
    ['handoff: "Mon 09:00"', 'handoff: "Mon 9am"', /rotations\[0\]: .*handoff/],
    [
      "- { notify: [person:dana], after: 30m }",
      "- { notify: [team:dana], after: 30m }",
      /a target is rotation:<id> or person:<id>/,
    ],
    ["timezone: Europe/Berlin #", "timzone: Europe/Berlin #", /unknown key\(s\) "timzone"/],
  ])("rejects %s → %s", (from, to, message) => {
    expect(demo.includes(from)).toBe(true);
    expect(configError(demo.replace(from, to))).toMatch(message);
  });

  it("says which file could not be read and how to fix it", () => {
    expect(() => loadConfigFile("/nonexistent/firebreak.yml")).toThrow(
      /Cannot read the config file \/nonexistent\/firebreak\.yml \(FIREBREAK_CONFIG\): ENOENT/,
    );
  });
});

describe("reminders and repeats", () => {
  const base = demo.replace(/\nreminders:[\s\S]*$/, "\n");

  it("defaults to DMs from the 2nd missed update, escalation on the 3rd, and 2 repeats of the last step", () => {
    const settings = parseConfigText(base.replace(/ {4}repeat_last: .*\n/, ""), "firebreak.yml");
    expect(settings.reminders).toEqual({ dmAfterMisses: 2, escalateAfterMisses: 3 });
    expect(settings.policies.every((p) => p.repeatLast === 2)).toBe(true);
  });

  it("reads reminders and repeat_last", () => {
    const text = `${base.replace("repeat_last: 2 #", "repeat_last: 0 #")}reminders: { dm_after_misses: 1, escalate_after_misses: 5 }\n`;
    const settings = parseConfigText(text, "firebreak.yml");
    expect(settings.reminders).toEqual({ dmAfterMisses: 1, escalateAfterMisses: 5 });
    expect(settings.policies[0]?.repeatLast).toBe(0);
  });

  it.each([
    [
      "reminders: { dm_after_misses: 0 }",
      /firebreak\.yml:\d+: reminders\.dm_after_misses: dm_after_misses needs at least 1/,
    ],
    ["reminders: { escalate_after_misses: 2.5 }", /reminders\.escalate_after_misses: a whole number/],
    ["reminders: { dm_after: 2 }", /reminders: unknown key\(s\) "dm_after"/],
  ])("rejects %s with its line", (line, message) => {
    expect(configError(`${base}${line}\n`)).toMatch(message);
  });

  it("rejects a negative repeat_last with its line", () => {
    const text = base.replace("repeat_last: 2 #", "repeat_last: -1 #");
    expect(configError(text)).toMatch(
      /firebreak\.yml:\d+: escalation_policies\[0\]\.repeat_last: 0 or more repeats/,
    );
  });
});

describe("roles and lifecycle", () => {
  const base = demo.replace(/\nroles:[\s\S]*$/, "\n");

  it("defaults to no managers or admins, 15m offers, 30m help calls and a 3-day confirmation window", () => {
    const settings = parseConfigText(base, "firebreak.yml");
    expect(settings.roles).toEqual({ managers: [], admins: [] });
    expect(settings.lifecycle).toEqual({
      offerExpiresMs: 15 * 60_000,
      helpWantedMs: 30 * 60_000,
      confirmWithinMs: 3 * 24 * 3600_000,
    });
  });

  it("reads the demo's roles and lifecycle", () => {
    const settings = parseConfigText(demo, "firebreak.yml");
    expect(settings.roles.managers).toEqual(["dana"]);
    expect(settings.lifecycle.confirmWithinMs).toBe(3 * 24 * 3600_000);
  });

  it("reads custom durations", () => {
    const text = `${base}lifecycle: { offer_expires_after: 2m, help_wanted_expires_after: 1h, confirm_within: 12h }\n`;
    expect(parseConfigText(text, "firebreak.yml").lifecycle).toEqual({
      offerExpiresMs: 2 * 60_000,
      helpWantedMs: 3600_000,
      confirmWithinMs: 12 * 3600_000,
    });
  });

  it.each([
    [
      "roles: { managers: [zoe] }",
      /firebreak\.yml:\d+: roles\.managers\[0\]: "zoe" is not in people; add them there first/,
    ],
    ["roles: { admins: [Dana!] }", /roles\.admins\[0\]: ids use lowercase/],
    ["roles: { owners: [dana] }", /roles: unknown key\(s\) "owners"/],
    ["lifecycle: { confirm_within: soon }", /lifecycle\.confirm_within/],
    ["lifecycle: { offer_expires: 5m }", /lifecycle: unknown key\(s\) "offer_expires"/],
  ])("rejects %s with its line", (line, message) => {
    expect(configError(`${base}${line}\n`)).toMatch(message);
  });
});

describe("rotations with layers, shift notices and backup policies", () => {
  /** A minimal file around the given rotations and services blocks, so line numbers are easy to find. */
  const file = (rotations: string, services = "  - { id: search, policy: default }\n") =>
    [
      "timezone: Europe/Berlin",
      "announce_channel: incidents",
      "people:",
      "  - { id: alice, timezone: Europe/Berlin }",
      "  - { id: bob, timezone: America/New_York }",
      "rotations:",
      rotations.trimEnd(),
      "escalation_policies:",
      "  - { id: default, steps: [{ notify: [rotation:r] }] }",
      "  - { id: backup, steps: [{ notify: [person:bob] }] }",
      "services:",
      services.trimEnd(),
      "fallback_policy: default",
      "severities:",
      "  sev1: { update_every: 30m, ack_within: 5m }",
      "  sev2: { update_every: 1h, ack_within: 15m }",
      "  sev3: { update_every: 4h, ack_within: 30m }",
      "  sev4: { update_every: 1d, ack_within: 1h }",
      "",
    ].join("\n");
  const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
  const LAYERED = `
  - id: r
    name: Search on-call
    timezone: Europe/Berlin
    channel: search-oncall
    notify_before: 30m
    layers:
      - name: office-hours
        members: [alice]
        shift: 1d
        handoff: "09:00"
        start: 2026-11-02
        restrict:
          - { days: Mon-Fri, from: "09:00", to: "17:00" }
          - { days: [sat, Sunday], from: "22:00", to: "06:00" }
      - name: nights
        members: [bob, alice]
        shift: 1w
        handoff: "Mon 09:00"
        timezone: America/New_York
        start: 2026-11-02
`;

  it("loads a layered rotation: precedence in file order, zones defaulted, restrictions and notices read", () => {
    const settings = parseConfigText(file(LAYERED), "firebreak.yml");
    const r = settings.rotations[0];
    expect(r).toMatchObject({
      id: "r",
      name: "Search on-call",
      channel: "search-oncall",
      notifyBeforeMs: 30 * 60_000,
    });
    expect(r?.layers.map((l) => [l.name, l.timezone, l.members])).toEqual([
      ["office-hours", "Europe/Berlin", ["alice"]],
      ["nights", "America/New_York", ["bob", "alice"]],
    ]);
    expect(r?.layers[0]?.restrict).toEqual([
      { days: ["Mon", "Tue", "Wed", "Thu", "Fri"], from: "09:00", to: "17:00" },
      { days: ["Sat", "Sun"], from: "22:00", to: "06:00" },
    ]);
    expect(r?.layers[1]?.restrict).toBeUndefined();
    expect(r?.layers[1]?.handoffWeekday).toBe("Mon");
  });

  it("reads an inline rotation as one layer named base, with a 1h notice and the announcement channel", () => {
    const text = file(
      '  - { id: r, members: [alice], shift: 1d, handoff: "09:00", start: 2026-11-02, restrict: [{ days: Fri-Mon, from: "8:00", to: "18:00" }] }',
    );
    const r = parseConfigText(text, "firebreak.yml").rotations[0];
    expect(r?.layers.map((l) => l.name)).toEqual(["base"]);
    expect(r?.layers[0]?.timezone).toBe("Europe/Berlin");
    expect(r?.layers[0]?.restrict).toEqual([
      { days: ["Mon", "Fri", "Sat", "Sun"], from: "08:00", to: "18:00" },
    ]);
    expect(r?.notifyBeforeMs).toBe(3_600_000);
    expect(r?.channel).toBeUndefined();
  });

  it("reads notify_before 0 as no DM", () => {
    const text = file(LAYERED.replace("notify_before: 30m", "notify_before: 0"));
    expect(parseConfigText(text, "firebreak.yml").rotations[0]?.notifyBeforeMs).toBe(0);
  });

  it("reads a service's backup policy", () => {
    const text = file(LAYERED, "  - { id: wiki, policy: default, backup_policy: backup }\n");
    expect(parseConfigText(text, "firebreak.yml").services[0]).toMatchObject({
      id: "wiki",
      backupPolicy: "backup",
    });
  });

  it.each([
    [
      "layers and inline members at once",
      LAYERED.replace("    channel: search-oncall", "    members: [alice]\n    channel: search-oncall"),
      "members: [alice]",
      /rotations\[0\]\.members: "members" belongs inside each of layers; .*not both/,
    ],
    [
      "an inline rotation without a shift",
      '  - { id: r, members: [alice], handoff: "09:00", start: 2026-11-02 }',
      "id: r,",
      /rotations\[0\]\.shift: is required .*or list layers/,
    ],
    [
      "an empty list of layers",
      "  - { id: r, layers: [] }",
      "id: r,",
      /rotations\[0\]\.layers: list at least one layer/,
    ],
    [
      "a layer without a name",
      LAYERED.replace("      - name: nights\n", "      - members_: x\n").replace(
        "      - members_: x\n        members",
        "      - members",
      ),
      "members: [bob, alice]",
      /rotations\[0\]\.layers\[1\]\.name: is required/,
    ],
    [
      "two layers with one name",
      LAYERED.replace("name: nights", "name: office-hours # again"),
      "# again",
      /rotations\[0\]\.layers\[1\]\.name: duplicate layer name "office-hours"/,
    ],
    [
      "a layer member who is not a person",
      LAYERED.replace("members: [bob, alice]", "members: [bob, zoe]"),
      "members: [bob, zoe]",
      /rotations\[0\]\.layers\[1\]\.members\[1\]: "zoe" is not in people; add them there first/,
    ],
    [
      "a layer's bad handoff",
      LAYERED.replace('handoff: "Mon 09:00"', 'handoff: "Mon 9am"'),
      "- name: nights",
      /rotations\[0\]\.layers\[1\]: rotation "r": handoff "Mon 9am"/,
    ],
    [
      "a layer's unknown zone",
      LAYERED.replace("timezone: America/New_York", "timezone: America/New_Yrok"),
      "America/New_Yrok",
      /rotations\[0\]\.layers\[1\]\.timezone: unknown time zone; use an IANA name/,
    ],
    [
      "an unknown weekday in a restriction",
      LAYERED.replace("days: Mon-Fri", "days: Mon-Fry"),
      "Mon-Fry",
      /restrict\[0\]\.days: "Mon-Fry" is not a weekday or a range of them; write days like \[Mon, Tue\] or Mon-Fri/,
    ],
    [
      "a restriction time that is not HH:mm",
      LAYERED.replace('to: "17:00"', 'to: "5pm"'),
      '"5pm"',
      /restrict\[0\]\.to: a wall-clock time in 24-hour form, for example "09:00"/,
    ],
    [
      "a restriction without days",
      LAYERED.replace("{ days: Mon-Fri, ", "{ "),
      'from: "09:00", to: "17:00"',
      /restrict\[0\]\.days: is required; name the days the window starts on/,
    ],
    [
      "notify_before that is not a duration",
      LAYERED.replace("notify_before: 30m", "notify_before: soon"),
      "notify_before",
      /rotations\[0\]\.notify_before: not a duration; write it like 30m, 1h or 1d, or 0 for no DM/,
    ],
    [
      "a handoff channel that is not a channel name",
      LAYERED.replace("channel: search-oncall", "channel: Search On-call"),
      "channel: Search",
      /rotations\[0\]\.channel: channel names use lowercase/,
    ],
  ])("refuses %s, at its line", (_what, rotations, needle, message) => {
    const text = file(rotations);
    const error = configError(text);
    expect(error).toMatch(message);
    expect(error).toContain(`firebreak.yml:${lineOf(text, needle)}: `);
  });

  it.each([
    [
      "  - { id: wiki, policy: default, backup_policy: nobody }",
      /services\[0\]\.backup_policy: unknown escalation policy "nobody"; define it under escalation_policies/,
    ],
    [
      "  - { id: wiki, policy: backup, backup_policy: backup }",
      /services\[0\]\.backup_policy: "backup" is already the policy paged first; name another policy/,
    ],
    [
      "  - { id: wiki, backup_policy: default }",
      /services\[0\]\.backup_policy: "default" is already the policy paged first/,
    ],
  ])("refuses the backup policy of %s, at its line", (services, message) => {
    const text = file(LAYERED, services);
    const error = configError(text);
    expect(error).toMatch(message);
    expect(error).toContain(`firebreak.yml:${lineOf(text, "backup_policy")}: `);
  });

  it("loads the demo's layered rotation and the wiki's backup policy", () => {
    const settings = loadConfigFile(DEMO_CONFIG);
    const wiki = settings.rotations.find((r) => r.id === "wiki-volunteers");
    expect(wiki?.layers.map((l) => l.name)).toEqual(["office-hours", "around-the-clock"]);
    expect(settings.services.find((s) => s.id === "wiki")).toMatchObject({ backupPolicy: "default" });
  });
});
