// Opt-in per-method rate limits (PLATFORMS.md §1.4). Off by default: most tests want deterministic answers
// and use `rateLimitNext()` instead. When on, each method gets a sliding 60-second window sized by its tier;
// chat.postMessage is counted per channel. Tiers come from java-slack-sdk's rate_limit_tiers.json when present
// (more current than the 2020 OpenAPI file), else from the table below.

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { slackSpecsDir } from "./spec.js";

const PER_MINUTE: Record<string, number> = {
  Tier1: 1,
  Tier2: 20,
  Tier3: 50,
  Tier4: 100,
  SpecialTier_auth_test: 600,
  // "one message per second per channel" with short bursts allowed: 60 per channel per minute.
  SpecialTier_chat_postMessage: 60,
  SpecialTier_chat_getPermalink: 100,
};

const FALLBACK_TIERS: Record<string, string> = {
  "auth.test": "SpecialTier_auth_test",
  "conversations.create": "Tier2",
  "conversations.invite": "Tier3",
  "conversations.join": "Tier3",
  "conversations.info": "Tier3",
  "conversations.open": "Tier3",
  "conversations.setTopic": "Tier2",
  "conversations.list": "Tier2",
  "conversations.history": "Tier3",
  "chat.postMessage": "SpecialTier_chat_postMessage",
  "chat.postEphemeral": "Tier4",
  "chat.update": "Tier3",
  "chat.getPermalink": "SpecialTier_chat_getPermalink",
  "pins.add": "Tier2",
  "views.open": "Tier4",
  "users.info": "Tier4",
};

function loadTiers(): Record<string, string> {
  const path = resolve(slackSpecsDir, "java-sdk-metadata/rate_limit_tiers.json");
  if (!existsSync(path)) return FALLBACK_TIERS;
  return { ...FALLBACK_TIERS, ...(JSON.parse(readFileSync(path, "utf8")) as Record<string, string>) };
}

export class RateLimiter {
  private readonly tiers = loadTiers();
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  /** Seconds to wait if this call is over its limit (and it is not counted), else undefined (and it is). */
  check(method: string, channel: string | undefined): number | undefined {
    const tier = this.tiers[method];
    const limit = tier ? PER_MINUTE[tier] : undefined;
    if (!limit) return undefined;
    const key = method === "chat.postMessage" ? `${method}:${channel ?? ""}` : method;
    const now = this.now();
    const window = (this.windows.get(key) ?? []).filter((t) => now - t < 60_000);
    this.windows.set(key, window);
    const oldest = window[0];
    if (window.length >= limit && oldest !== undefined) {
      return Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000));
    }
    window.push(now);
    return undefined;
  }
}
