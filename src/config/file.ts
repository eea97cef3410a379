import { readFileSync } from "node:fs";
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import { ConfigError } from "../core/errors.js";
import { SEVERITIES } from "../core/incident/incident.js";
import type { EscalationTarget } from "../core/oncall/types.js";
import type { Settings } from "../core/settings.js";
import { type ConfigFile, configFileSchema } from "./file-schema.js";
import { buildRotations } from "./rotations.js";

type PathKey = string | number;
interface Problem {
  path: PathKey[];
  message: string;
}

/**
 * Loads and validates the YAML config file. Every problem is reported at once, each as `file:line: where: what
 * to do`, so an operator fixes them in one pass; nothing starts until the file is right.
 */
export function loadConfigFile(path: string): Settings {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(
      `Cannot read the config file ${path} (FIREBREAK_CONFIG): ${(err as NodeJS.ErrnoException).code ?? String(err)}. Check the path, or unset FIREBREAK_CONFIG to use the demo config.`,
    );
  }
  return parseConfigText(text, path);
}

export function parseConfigText(text: string, fileName: string): Settings {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => {
      const line = lineCounter.linePos(e.pos[0]).line;
      return `${fileName}:${line}: ${e.message.split("\n")[0]} (fix the YAML syntax)`;
    });
    throw new ConfigError(`The config file is not valid YAML:\n${lines.map((l) => `  ${l}`).join("\n")}`);
  }
  const lineOf = (path: PathKey[]): number => {
    // Walk down as far as the path exists; a missing key is reported at its parent.
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === "object" && node.range) return lineCounter.linePos(node.range[0]).line;
      if (depth === 0 && (isMap(doc.contents) || isSeq(doc.contents))) return 1;
    }
    return 1;
  };
  const report = (problems: Problem[]): never => {
    const lines = problems
      .map((p) => ({ line: lineOf(p.path), where: formatPath(p.path), message: p.message }))
      .sort((a, b) => a.line - b.line)
      .map((p) => `  ${fileName}:${p.line}: ${p.where ? `${p.where}: ` : ""}${p.message}`);
    throw new ConfigError(`The config file has ${problems.length} problem(s):\n${lines.join("\n")}`);
  };

  const parsed = configFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    report(parsed.error.issues.map((i) => ({ path: i.path as PathKey[], message: describeIssue(i) })));
  }
  const file = (parsed as { data: ConfigFile }).data;
  const problems: Problem[] = [];
  const settings = buildSettings(file, problems);
  if (problems.length > 0) report(problems);
  return settings;
}

function describeIssue(issue: { code: string; message: string; keys?: string[] }): string {
  if (issue.code === "unrecognized_keys" && issue.keys) {
    return `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}; check the spelling against DESIGN.md §9`;
  }
  if (issue.code === "invalid_type" && issue.message.includes("received undefined")) return "is required";
  return issue.message;
}

function formatPath(path: PathKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function duplicates<T extends { id: string }>(items: T[], key: string, problems: Problem[]): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.id))
      problems.push({ path: [key, i, "id"], message: `duplicate id "${item.id}"; ids must be unique` });
    seen.add(item.id);
  });
}

/** A problem for each id in the list (at `path`, then its index) that is not one of the people. */
function mustBePeople(ids: string[], people: Set<string>, path: PathKey[], problems: Problem[]): void {
  ids.forEach((id, i) => {
    if (!people.has(id)) {
      problems.push({ path: [...path, i], message: `"${id}" is not in people; add them there first` });
    }
  });
}

function buildSettings(file: ConfigFile, problems: Problem[]): Settings {
  duplicates(file.people, "people", problems);
  duplicates(file.rotations, "rotations", problems);
  duplicates(file.escalation_policies, "escalation_policies", problems);
  duplicates(file.services, "services", problems);
  const people = new Set(file.people.map((p) => p.id));
  const rotations = new Set(file.rotations.map((r) => r.id));
  const policies = new Set(file.escalation_policies.map((p) => p.id));

  const rotationList = buildRotations(file, people, (path, message) => problems.push({ path, message }));

  const policyList = file.escalation_policies.map((raw, i) => ({
    id: raw.id,
    repeatLast: raw.repeat_last,
    steps: raw.steps.map((step, j) => ({
      afterMs: step.after ?? 0,
      notify: step.notify.map((t, k): EscalationTarget => {
        const [kind, ref] = t.split(":") as ["rotation" | "person", string];
        const known = kind === "rotation" ? rotations.has(ref) : people.has(ref);
        if (!known) {
          problems.push({
            path: ["escalation_policies", i, "steps", j, "notify", k],
            message: `unknown ${kind} "${ref}"; define it under ${kind === "rotation" ? "rotations" : "people"}`,
          });
        }
        return { kind, id: ref };
      }),
    })),
  }));

  file.services.forEach((s, i) => {
    if (s.policy && !policies.has(s.policy)) {
      problems.push({
        path: ["services", i, "policy"],
        message: `unknown escalation policy "${s.policy}"; define it under escalation_policies`,
      });
    }
    if (s.backup_policy && !policies.has(s.backup_policy)) {
      problems.push({
        path: ["services", i, "backup_policy"],
        message: `unknown escalation policy "${s.backup_policy}"; define it under escalation_policies`,
      });
    } else if (s.backup_policy && s.backup_policy === (s.policy ?? file.fallback_policy)) {
      problems.push({
        path: ["services", i, "backup_policy"],
        message: `"${s.backup_policy}" is already the policy paged first; name another policy as the backup, or remove backup_policy`,
      });
    }
  });
  if (file.fallback_policy && !policies.has(file.fallback_policy)) {
    problems.push({
      path: ["fallback_policy"],
      message: `unknown escalation policy "${file.fallback_policy}"; define it under escalation_policies`,
    });
  }

  file.services.forEach((s, i) => {
    if (s.manager && !people.has(s.manager)) {
      problems.push({ path: ["services", i, "manager"], message: `"${s.manager}" is not in people` });
    }
  });

  for (const group of ["managers", "admins"] as const) {
    mustBePeople(file.roles[group], people, ["roles", group], problems);
  }

  return {
    timezone: file.timezone,
    announceChannel: file.announce_channel,
    channelNameTemplate: file.channel_name,
    people: file.people.map((p) => ({ ...p, timezone: p.timezone ?? file.timezone })),
    rotations: rotationList,
    policies: policyList,
    services: file.services.map(({ backup_policy, ...s }) => ({
      ...s,
      ...(backup_policy && { backupPolicy: backup_policy }),
    })),
    postmortem: {
      dueAfterMs: file.postmortem.due_after,
      remindEveryMs: file.postmortem.remind_every,
    },
    deploys: { productionEnvironments: file.deploys.production },
    fallbackPolicy: file.fallback_policy,
    reminders: {
      dmAfterMisses: file.reminders.dm_after_misses,
      escalateAfterMisses: file.reminders.escalate_after_misses,
    },
    roles: { managers: file.roles.managers, admins: file.roles.admins },
    lifecycle: {
      offerExpiresMs: file.lifecycle.offer_expires_after,
      helpWantedMs: file.lifecycle.help_wanted_expires_after,
      confirmWithinMs: file.lifecycle.confirm_within,
    },
    severities: Object.fromEntries(
      SEVERITIES.map((sev) => [
        sev,
        { updateEveryMs: file.severities[sev].update_every, ackWithinMs: file.severities[sev].ack_within },
      ]),
    ) as Settings["severities"],
  };
}
