// manifest.yml is what an operator pastes into Slack. It is checked two ways:
// - against Slack's own JSON Schema (slackapi/manifest-schema, in ../shared/specs/slack/manifest-schema),
//   after proving the validator works on the schema project's valid and invalid examples;
// - against what Firebreak needs: one Request URL, the /incident command, the events the bot handles and
//   the scopes the fake Slack (which enforces scopes like Slack) requires for the bot's calls.
// Without the specs folder only the schema part is skipped, and the test names say so.

import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import {
  CATALOG,
  CONVERSATION_SCOPES,
  DEFAULT_BOT_SCOPES,
  IMPLEMENTED_METHODS,
  slackSpecsDir,
} from "../helpers/fake-slack/index.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const schemaDir = resolve(slackSpecsDir, "manifest-schema");
const haveSchema = existsSync(resolve(schemaDir, "manifest.schema.json"));
const schemaTest = (name: string) => (haveSchema ? name : `${name} (SKIPPED: ${schemaDir} absent)`);

const REQUEST_URL = "https://firebreak.example.com/slack/events";

interface Manifest {
  _metadata: { major_version: number; minor_version?: number };
  display_information: { name: string; description?: string };
  features: {
    bot_user: { display_name: string };
    slash_commands: { command: string; url: string; should_escape?: boolean; usage_hint?: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled?: boolean;
  };
}

const manifest = parse(readFileSync(resolve(repoRoot, "manifest.yml"), "utf8")) as Manifest;
const readJson = (p: string): unknown => JSON.parse(readFileSync(resolve(schemaDir, p), "utf8"));

function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  // The root schema $refs the versioned ones by absolute URL; register the local copies under those ids.
  for (const v of ["1", "2"]) {
    ajv.addSchema(
      readJson(`schemas/manifest.schema.${v}.0.0.json`) as object,
      `https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.${v}.0.0.json`,
    );
  }
  return { ajv, validate: ajv.compile(readJson("manifest.schema.json") as object) };
}

describe("manifest.yml against Slack's manifest JSON Schema", () => {
  test(
    schemaTest("the validator accepts the schema project's valid examples and rejects the invalid ones"),
    () => {
      if (!haveSchema) return;
      const { validate } = validator();
      for (const v of ["v1", "v2"]) {
        expect(validate(readJson(`examples/${v}.manifest.valid.json`)), `${v} valid`).toBe(true);
        expect(validate(readJson(`examples/${v}.manifest.invalid.json`)), `${v} invalid`).toBe(false);
      }
    },
  );

  test(schemaTest("manifest.yml is valid"), () => {
    if (!haveSchema) return;
    const { ajv, validate } = validator();
    expect(validate(manifest), ajv.errorsText(validate.errors)).toBe(true);
  });

  test(schemaTest("a typo in manifest.yml would be caught (the schema forbids unknown keys)"), () => {
    if (!haveSchema) return;
    const { validate } = validator();
    const typo = structuredClone(manifest) as unknown as { features: Record<string, unknown> };
    typo.features.slash_command = typo.features.slash_commands;
    expect(validate(typo)).toBe(false);
  });
});

describe("manifest.yml matches what Firebreak needs", () => {
  test("schema v1, the format Slack generates for classic Bolt apps", () => {
    expect(manifest._metadata.major_version).toBe(1);
  });

  test("display information and bot user", () => {
    expect(manifest.display_information.name).toBe("Firebreak");
    expect(manifest.display_information.description?.length).toBeGreaterThan(0);
    expect(manifest.features.bot_user.display_name).toBe("firebreak");
  });

  test("/incident, escaped, with a usage hint, on the one Request URL", () => {
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({ command: "/incident", url: REQUEST_URL, should_escape: true }),
    ]);
    expect(manifest.features.slash_commands[0]?.usage_hint).toBeTruthy();
  });

  test("interactivity and events on the same Request URL, over HTTP (not Socket Mode)", () => {
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: REQUEST_URL });
    expect(manifest.settings.event_subscriptions.request_url).toBe(REQUEST_URL);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([
      "app_mention",
      "member_joined_channel",
      "reaction_added",
    ]);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  test("the bot scopes are exactly the ones the fake Slack grants by default", () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...DEFAULT_BOT_SCOPES].sort());
  });

  test("each subscribed event has the scope Slack requires for it", () => {
    const eventScope: Record<string, string> = {
      app_mention: "app_mentions:read",
      reaction_added: "reactions:read",
      member_joined_channel: "channels:read",
    };
    const scopes = manifest.oauth_config.scopes.bot;
    for (const e of manifest.settings.event_subscriptions.bot_events) {
      expect(scopes, `${e} needs ${eventScope[e]}`).toContain(eventScope[e]);
    }
    expect(scopes).toContain("commands");
  });

  test("every Web API call the bot makes on public channels and DMs is covered by a granted scope", () => {
    const granted = new Set(manifest.oauth_config.scopes.bot);
    const uncovered: string[] = [];
    for (const method of IMPLEMENTED_METHODS) {
      const need = CATALOG[method]?.scopes ?? [];
      const options = typeof need === "string" ? CONVERSATION_SCOPES[need].public : need;
      if (options.length > 0 && !options.some((s) => granted.has(s))) uncovered.push(`${method}: ${options}`);
    }
    // DMs to paged people, and private incident channels (created, invited into, topic set).
    if (!CONVERSATION_SCOPES.write.im.some((s) => granted.has(s))) uncovered.push("conversations.open (IM)");
    if (!CONVERSATION_SCOPES.write.private.some((s) => granted.has(s))) uncovered.push("private channels");
    // The outbox's retry check (conversations.history) runs wherever the bot posts: DMs and private channels too.
    if (!CONVERSATION_SCOPES.history.im.some((s) => granted.has(s)))
      uncovered.push("conversations.history (IM)");
    if (!CONVERSATION_SCOPES.history.private.some((s) => granted.has(s)))
      uncovered.push("conversations.history (private)");
    // (conversations.replies needs the same *:history scopes.) Who is in a private incident channel:
    if (!CONVERSATION_SCOPES.read.private.some((s) => granted.has(s)))
      uncovered.push("conversations.members (private)");
    expect(uncovered).toEqual([]);
  });
});
