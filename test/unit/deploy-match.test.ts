import { describe, expect, it } from "vitest";
import {
  carriedFixes,
  type Deploy,
  deployReaches,
  fixCarriedBy,
  fixesGoLive,
  isProduction,
  recordedChanges,
  shasInLink,
  shasMatch,
} from "../../src/core/incident/deploy-match.js";
import { readDeploy, readGithubDeploymentStatus } from "../../src/core/incident/deploy-payload.js";
import type { Fix, Incident } from "../../src/core/incident/incident.js";
import {
  firebreakSignature,
  githubSignature,
  signatureMatches,
  timestampProblem,
} from "../../src/http/deploy-signature.js";
import { anIncident, T0 } from "./handler-fakes.js";

const FULL = "abc1234def5678901234567890abcdef12345678";
const fix = (ref: string, over: Partial<Fix> = {}): Fix => ({
  ref,
  refKind: ref.startsWith("http") ? "link" : "sha",
  at: T0.toISOString(),
  actor: "U0DANA",
  ...over,
});
const deploy = (over: Partial<Deploy> = {}): Deploy => ({
  service: "search",
  environment: "production",
  version: "v2026.11.21",
  commits: [FULL],
  ...over,
});
const waiting = (over: Partial<Incident> = {}): Incident =>
  anIncident({ id: "INC-4", state: "fix_merged", stateChanges: 3, fixes: [fix("abc1234")], ...over });
const NOW = new Date("2026-11-21T10:00:00Z");

describe("shasMatch: one sha a prefix of the other, 7+ hex, any case", () => {
  it.each([
    ["abc1234", FULL, true],
    [FULL, "abc1234", true],
    ["ABC1234", FULL, true],
    [FULL, FULL.toUpperCase(), true],
    ["abc1235", FULL, false],
    ["abc123", FULL, false], // 6 characters: too short to mean one commit
    ["abc1234", "abc1234", true],
    ["xyz1234", "xyz1234", false], // not hex
    ["", FULL, false],
  ])("%s ~ %s → %s", (a, b, expected) => {
    expect(shasMatch(a, b)).toBe(expected);
  });
});

describe("shasInLink: commit pages name their sha, pull requests none", () => {
  it.each([
    [`https://github.com/acme/search/commit/${FULL}`, [FULL]],
    [`https://gitlab.com/acme/search/-/commit/${FULL}?view=parallel`, [FULL]],
    [`https://bitbucket.org/acme/search/commits/${FULL}#chg`, [FULL]],
    [`https://github.com/acme/search/pull/7/commits/${FULL}`, [FULL]],
    [`https://github.com/acme/search/commit/${FULL}.patch`, [FULL]],
    ["https://github.com/acme/search/pull/7", []],
    ["https://github.com/acme/search/pull/1234567", []], // a number, not a sha
    ["https://example.com/a/abc12", []],
    ["not a link", []],
  ])("%s → %j", (link, expected) => {
    expect(shasInLink(link)).toEqual(expected);
  });
});

describe("fixCarriedBy", () => {
  it.each([
    [fix("abc1234"), [FULL], true],
    [fix(FULL), ["abc1234"], true],
    [fix(`https://github.com/acme/search/commit/${FULL}`), ["ABC1234D"], true],
    [fix("https://github.com/acme/search/pull/7"), [FULL], false],
    [fix("abc1234"), ["def5678"], false],
  ])("%j carried by %j → %s", (f, commits, expected) => {
    expect(fixCarriedBy(f, commits)).toBe(expected);
  });

  it("ignores fixes already live and closed incidents", () => {
    const live = fix("abc1234", { deployedAt: T0.toISOString() });
    expect(carriedFixes(waiting({ fixes: [live] }), [FULL])).toEqual([]);
    expect(carriedFixes(waiting({ state: "closed" }), [FULL])).toEqual([]);
  });
});

describe("isProduction", () => {
  it.each([
    ["production", ["production"], true],
    ["Production", ["production"], true],
    ["prod-eu", ["production", "prod-eu"], true],
    ["staging", ["production"], false],
  ])("%s in %j → %s", (env, production, expected) => {
    expect(isProduction(env, production)).toBe(expected);
  });
});

describe("deployReaches", () => {
  it("a production deploy of the only fix moves fix_merged to fix_deployed and records the deploy", () => {
    const change = deployReaches(waiting(), deploy(), { production: true, now: NOW });
    expect(change?.reach).toBe("moved");
    expect(change?.incident.state).toBe("fix_deployed");
    expect(change?.incident.stateChanges).toBe(4);
    expect(change?.incident.milestones?.fix_deployed).toBe(NOW.toISOString());
    expect(change?.incident.fixes?.[0]?.deployedAt).toBe(NOW.toISOString());
    expect(change?.incident.deploys).toEqual([
      {
        service: "search",
        environment: "production",
        version: "v2026.11.21",
        at: NOW.toISOString(),
        fixes: ["abc1234"],
      },
    ]);
    expect(change?.events.map((e) => e.type)).toEqual(["deploy_received", "fix_deployed", "status_changed"]);
    expect(change?.events[2]?.data).toEqual({ from: "fix_merged", to: "fix_deployed" });
  });

  it("a staging deploy records and tells but changes neither the state nor the fixes", () => {
    const change = deployReaches(waiting(), deploy({ environment: "staging" }), {
      production: false,
      now: NOW,
    });
    expect(change?.reach).toBe("reached");
    expect(change?.incident.state).toBe("fix_merged");
    expect(change?.incident.fixes?.[0]?.deployedAt).toBeUndefined();
    expect(change?.incident.deploys?.[0]?.environment).toBe("staging");
    expect(change?.events.map((e) => e.type)).toEqual(["deploy_received"]);
  });

  it("marks only the carried fix live and stays fix_merged while another fix waits", () => {
    const incident = waiting({ fixes: [fix("abc1234"), fix("https://github.com/acme/search/pull/9")] });
    const change = deployReaches(incident, deploy(), { production: true, now: NOW });
    expect(change?.reach).toBe("live");
    expect(change?.incident.state).toBe("fix_merged");
    expect(change?.incident.fixes?.map((f) => Boolean(f.deployedAt))).toEqual([true, false]);
    expect(change?.waiting.map((f) => f.ref)).toEqual(["https://github.com/acme/search/pull/9"]);
  });

  it.each(["investigating", "mitigated", "resolved", "reopened"] as const)(
    "in %s the fix is marked live without a transition",
    (state) => {
      const change = deployReaches(waiting({ state }), deploy(), { production: true, now: NOW });
      expect(change?.reach).toBe("live");
      expect(change?.incident.state).toBe(state);
      expect(change?.incident.stateChanges).toBe(3);
    },
  );

  it.each([
    ["closed incident", waiting({ state: "closed" })],
    ["no matching fix", waiting({ fixes: [fix("def5678")] })],
    ["fix already live", waiting({ fixes: [fix("abc1234", { deployedAt: T0.toISOString() })] })],
    ["pull-request link only", waiting({ fixes: [fix("https://github.com/acme/search/pull/7")] })],
    [
      "the same deploy already recorded",
      waiting({
        deploys: [
          { service: "search", environment: "staging", version: "v2026.11.21", at: "", fixes: ["abc1234"] },
        ],
      }),
    ],
  ])("does nothing for a %s", (_, incident) => {
    expect(
      deployReaches(incident, deploy({ environment: "staging" }), { production: false, now: NOW }),
    ).toBeNull();
  });
});

describe("deployReaches: the same version deployed again (GitHub's version is the ref, often `main`)", () => {
  const B = "bbbbbbb1234567890";
  const main = (commits: string[], environment = "production") =>
    deploy({ version: "main", environment, commits });
  const record = (fixes: string[], environment = "production") => ({
    service: "search",
    environment,
    version: "main",
    at: T0.toISOString(),
    fixes,
  });

  it("records a later deploy of `main` carrying another fix, and moves the incident once none waits", () => {
    const incident = waiting({
      fixes: [fix("abc1234", { deployedAt: T0.toISOString() }), fix("bbbbbbb")],
      deploys: [record(["abc1234"])],
    });
    const change = deployReaches(incident, main([B]), { production: true, now: NOW });
    expect(change?.reach).toBe("moved");
    expect(change?.index).toBe(1);
    expect(change?.record.fixes).toEqual(["bbbbbbb"]);
    expect(change?.incident.state).toBe("fix_deployed");
    expect(change?.incident.deploys).toHaveLength(2);
  });

  it("records only the fixes no earlier record of the same deploy lists", () => {
    const incident = waiting({
      fixes: [fix("abc1234"), fix("bbbbbbb")],
      deploys: [record(["abc1234"], "staging")],
    });
    const change = deployReaches(incident, main([FULL, B], "staging"), { production: false, now: NOW });
    expect(change?.record.fixes).toEqual(["bbbbbbb"]);
    expect(change?.carried.map((f) => f.ref)).toEqual(["bbbbbbb"]);
  });

  it("changes nothing when the records of the same deploy together list every fix it carries", () => {
    const incident = waiting({
      fixes: [fix("abc1234"), fix("bbbbbbb")],
      deploys: [record(["abc1234"], "staging"), record(["bbbbbbb"], "staging")],
    });
    expect(deployReaches(incident, main([FULL, B], "staging"), { production: false, now: NOW })).toBeNull();
  });
});

describe("recordedChanges: a recorded deploy rebuilt so its news can be told again", () => {
  const moved = () => {
    const change = deployReaches(waiting(), deploy(), { production: true, now: NOW });
    if (!change) throw new Error("the deploy should move the incident");
    return change;
  };

  it("a deploy that moved the incident is told again as moved, keyed by the same record", () => {
    const change = moved();
    const again = recordedChanges(change.incident, deploy(), { production: true, timeline: change.events });
    expect(again.map((c) => [c.index, c.reach, c.carried.map((f) => f.ref), c.events])).toEqual([
      [0, "moved", ["abc1234"], []],
    ]);
  });

  it("without the fix_deployed event of its time it was live only; elsewhere it reached", () => {
    const change = moved();
    const live = recordedChanges(change.incident, deploy(), { production: true, timeline: [] });
    expect(live.map((c) => c.reach)).toEqual(["live"]);
    const staged = deployReaches(waiting(), deploy({ environment: "staging" }), {
      production: false,
      now: NOW,
    });
    const again = recordedChanges(staged?.incident as Incident, deploy({ environment: "staging" }), {
      production: false,
      timeline: [],
    });
    expect(again.map((c) => [c.reach, c.waiting.map((f) => f.ref)])).toEqual([["reached", ["abc1234"]]]);
  });

  it("is empty for another version, a record whose fixes the deploy does not carry, or a closed incident", () => {
    const { incident } = moved();
    const timeline = moved().events;
    expect(recordedChanges(incident, deploy({ version: "v2" }), { production: true, timeline })).toEqual([]);
    expect(
      recordedChanges(incident, deploy({ commits: ["def5678"] }), { production: true, timeline }),
    ).toEqual([]);
    expect(
      recordedChanges({ ...incident, state: "closed" }, deploy(), { production: true, timeline }),
    ).toEqual([]);
  });
});

describe("fixesGoLive: the step `/incident deployed` and a deploy share", () => {
  it("marks every waiting fix live, enters the state and records who and what", () => {
    const incident = waiting({ fixes: [fix("abc1234"), fix("def5678", { deployedAt: T0.toISOString() })] });
    const step = fixesGoLive(incident, { from: "fix_merged", to: "fix_deployed" }, NOW, { actor: "U0DANA" });
    expect(step.live.map((f) => f.ref)).toEqual(["abc1234"]);
    expect(step.incident.fixes?.map((f) => f.deployedAt)).toEqual([NOW.toISOString(), T0.toISOString()]);
    expect(step.incident.state).toBe("fix_deployed");
    expect(step.events.map((e) => [e.type, e.actor, e.data])).toEqual([
      ["fix_deployed", "U0DANA", { refs: "abc1234" }],
      ["status_changed", "U0DANA", { from: "fix_merged", to: "fix_deployed" }],
    ]);
  });
});

describe("readDeploy", () => {
  const services = ["search", "legacy"];
  it("reads a well-formed deploy", () => {
    expect(readDeploy(deploy(), services)).toEqual({ ok: true, deploy: deploy() });
  });

  it.each([
    ["not an object", [1], /JSON object/],
    [
      "an unknown service",
      { ...deploy(), service: "serach" },
      /Unknown service "serach" \(known services: search, legacy/,
    ],
    ["a missing version", { ...deploy(), version: undefined }, /`version` is missing/],
    ["a numeric environment", { ...deploy(), environment: 3 }, /`environment` must be a string/],
    ["commits not an array", { ...deploy(), commits: "abc1234" }, /`commits` must be an array/],
    ["empty commits", { ...deploy(), commits: [] }, /`commits` is empty/],
    ["a short sha", { ...deploy(), commits: [FULL, "abc12"] }, /`commits\[1\]` is "abc12"/],
    ["a non-hex sha", { ...deploy(), commits: ["zzzzzzz"] }, /7 to 40 hex/],
    ["a number as sha", { ...deploy(), commits: [1234567] }, /`commits\[0\]` is 1234567/],
    ["a control character", { ...deploy(), version: "v1\nv2" }, /control characters/],
  ])("refuses %s, saying nothing was changed", (_, body, reason) => {
    const read = readDeploy(body, services);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error).toMatch(reason);
    expect(read.error).toMatch(/Nothing was changed\.$/);
  });
});

describe("readGithubDeploymentStatus", () => {
  const event = (state: string, payload: unknown = {}) => ({
    action: "created",
    deployment_status: { state, environment: "production" },
    deployment: { sha: FULL, ref: "v2026.11.21", environment: "production", payload },
    repository: { name: "search", full_name: "acme/search" },
  });

  it("reads a success: repository name as service, ref as version, sha as the one commit", () => {
    expect(readGithubDeploymentStatus(event("success"), ["search"])).toEqual({ ok: true, deploy: deploy() });
  });

  it("takes the service from deployment.payload.service (object or JSON text) when set", () => {
    for (const payload of [{ service: "legacy" }, JSON.stringify({ service: "legacy" })]) {
      const read = readGithubDeploymentStatus(event("success", payload), ["search", "legacy"]);
      expect(read.ok && read.ok !== "ignored" && read.deploy.service).toBe("legacy");
    }
  });

  it.each(["pending", "failure", "in_progress", "error"])("ignores a %s", (state) => {
    expect(readGithubDeploymentStatus(event(state), ["search"]).ok).toBe("ignored");
  });

  it("adds deployment.payload.commits to the head sha, each once", () => {
    const payload = { commits: ["def5678aaaa", FULL.toUpperCase(), "def5678AAAA"] };
    const read = readGithubDeploymentStatus(event("success", payload), ["search"]);
    expect(read).toEqual({ ok: true, deploy: deploy({ commits: [FULL, "def5678aaaa"] }) });
    const empty = readGithubDeploymentStatus(event("success", { commits: [] }), ["search"]);
    expect(empty).toEqual({ ok: true, deploy: deploy() });
  });

  it.each([
    [{ commits: "def5678" }, /`deployment.payload.commits` must be an array/],
    [{ commits: [FULL, "xyz"] }, /`deployment.payload.commits\[1\]` is "xyz"/],
  ])("refuses deployment.payload %j, saying nothing was changed", (payload, reason) => {
    const read = readGithubDeploymentStatus(event("success", payload), ["search"]);
    expect(read).toMatchObject({ ok: false, error: expect.stringMatching(reason) });
    expect(read).toMatchObject({ error: expect.stringMatching(/Nothing was changed\.$/) });
  });

  it("refuses an unknown repository", () => {
    const read = readGithubDeploymentStatus(event("success"), ["legacy"]);
    expect(read).toMatchObject({ ok: false, error: expect.stringMatching(/Unknown service "search"/) });
  });
});

describe("signatures", () => {
  const secret = "0123456789abcdef0123";
  it("accepts the signature of the timestamp and body, and nothing else", () => {
    const sig = firebreakSignature(secret, "1700000000", '{"a":1}');
    expect(signatureMatches(sig, firebreakSignature(secret, "1700000000", '{"a":1}'))).toBe(true);
    expect(signatureMatches(sig.toUpperCase().replace("SHA256=", "sha256="), sig)).toBe(true);
    expect(signatureMatches(sig, firebreakSignature(secret, "1700000001", '{"a":1}'))).toBe(false);
    expect(signatureMatches(sig, firebreakSignature(secret, "1700000000", '{"a":2}'))).toBe(false);
    expect(signatureMatches(sig, firebreakSignature(`${secret}x`, "1700000000", '{"a":1}'))).toBe(false);
    expect(signatureMatches(undefined, sig)).toBe(false);
    expect(signatureMatches("sha256=abc", sig)).toBe(false);
    expect(signatureMatches(githubSignature(secret, '{"a":1}'), sig)).toBe(false);
  });

  it.each([
    ["1700000000", new Date(1_700_000_000_000), null],
    ["1700000000", new Date(1_700_000_300_000), null], // exactly 5 minutes
    ["1700000000", new Date(1_700_000_301_000), /stale/],
    ["1700000000", new Date(1_699_999_699_000), /stale/], // from the future
    [undefined, new Date(1_700_000_000_000), /missing/],
    ["17e8", new Date(1_700_000_000_000), /missing or not unix seconds/],
  ])("timestamp %s at %s", (header, now, expected) => {
    const problem = timestampProblem(header, now);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});
