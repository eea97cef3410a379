/**
 * Reading a deploy webhook's body into a `Deploy`, or a reason it is refused (the hook answers 400 with it and
 * changes nothing). Two shapes are accepted:
 *
 * - Firebreak's own: `{service, environment, version, commits: [sha…]}`;
 * - GitHub's `deployment_status` event: only a `success` counts; the service is `deployment.payload.service`
 *   when set, else the repository's name; the environment is `deployment.environment`, the version
 *   `deployment.ref`, and the commits `deployment.sha` plus `deployment.payload.commits` (a list of shas the
 *   deployer may add). GitHub itself names only the deployed head commit, so without that list a fix merged
 *   earlier than the head is not matched.
 *
 * The service must be one of the config file's, so a typo in a pipeline is told at once instead of matching
 * nothing for ever.
 */
import type { Deploy } from "./deploy-match.js";

/** The largest body the hook reads; a deploy lists commits, not artefacts. */
export const MAX_DEPLOY_BODY_BYTES = 256 * 1024;
/** A commit as a deploy lists it: an abbreviated or full SHA-1. */
const COMMIT = /^[0-9a-f]{7,40}$/i;
/** More commits than any one deploy ships; a cap keeps matching cheap. */
const MAX_COMMITS = 5000;
const MAX_NAME = 200;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

export type DeployRead = { ok: true; deploy: Deploy } | { ok: false; error: string };
export type GithubRead = DeployRead | { ok: "ignored"; reason: string };

const NOTHING = "Nothing was changed.";
const refuse = (error: string): { ok: false; error: string } => ({ ok: false, error: `${error} ${NOTHING}` });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short name (environment, version): present, one line, not too long. */
function nameField(body: Record<string, unknown>, field: string, where = field): string | string[] {
  const value = body[field];
  if (value === undefined || value === null || value === "") return [`\`${where}\` is missing.`];
  if (typeof value !== "string") return [`\`${where}\` must be a string.`];
  const trimmed = value.trim();
  if (trimmed === "") return [`\`${where}\` is empty.`];
  if (trimmed.length > MAX_NAME) return [`\`${where}\` is longer than ${MAX_NAME} characters.`];
  if (CONTROL.test(trimmed)) return [`\`${where}\` holds control characters.`];
  return trimmed;
}

function serviceField(value: unknown, services: readonly string[], where: string): string | string[] {
  if (value === undefined || value === null || value === "") return [`\`${where}\` is missing.`];
  if (typeof value !== "string") return [`\`${where}\` must be a string.`];
  if (services.includes(value)) return value;
  const known = services.length > 0 ? `known services: ${services.join(", ")}` : "no services are configured";
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return [
    `Unknown service ${JSON.stringify(shown)} (${known}; add it under \`services\` in the config file).`,
  ];
}

function commitsField(value: unknown, where = "commits"): string[] | { error: string } {
  if (value === undefined || value === null) return { error: `\`${where}\` is missing.` };
  if (!Array.isArray(value)) return { error: `\`${where}\` must be an array of commit shas.` };
  if (value.length === 0) return { error: `\`${where}\` is empty: list the shas the deploy shipped.` };
  if (value.length > MAX_COMMITS) return { error: `\`${where}\` lists more than ${MAX_COMMITS} shas.` };
  const bad = value.findIndex((c) => typeof c !== "string" || !COMMIT.test(c));
  if (bad >= 0) {
    const shown = JSON.stringify(value[bad])?.slice(0, 60) ?? String(value[bad]);
    return {
      error: `\`${where}[${bad}]\` is ${shown}: each commit must be a sha of 7 to 40 hex characters.`,
    };
  }
  return value as string[];
}

/** Firebreak's own shape. */
export function readDeploy(body: unknown, services: readonly string[]): DeployRead {
  if (!isRecord(body))
    return refuse("The body must be a JSON object {service, environment, version, commits}.");
  const errors: string[] = [];
  const service = serviceField(body.service, services, "service");
  const environment = nameField(body, "environment");
  const version = nameField(body, "version");
  const commits = commitsField(body.commits);
  for (const field of [service, environment, version]) if (Array.isArray(field)) errors.push(...field);
  if (!Array.isArray(commits)) errors.push(commits.error);
  if (errors.length > 0) return refuse(errors.join(" "));
  return {
    ok: true,
    deploy: {
      service: service as string,
      environment: environment as string,
      version: version as string,
      commits: commits as string[],
    },
  };
}

/** GitHub's `deployment_status` event (the `X-GitHub-Event` header said so). */
export function readGithubDeploymentStatus(body: unknown, services: readonly string[]): GithubRead {
  if (!isRecord(body)) return refuse("The body must be a JSON object.");
  const status = body.deployment_status;
  const deployment = body.deployment;
  if (!isRecord(status) || !isRecord(deployment)) {
    return refuse("A deployment_status event needs `deployment_status` and `deployment` objects.");
  }
  if (status.state !== "success") {
    return {
      ok: "ignored",
      reason: `deployment_status ${String(status.state).slice(0, 40)} is not a success`,
    };
  }
  const payload = deploymentPayload(deployment.payload);
  const repository = isRecord(body.repository) ? body.repository : {};
  const fromPayload = typeof payload.service === "string" && payload.service !== "";
  const errors: string[] = [];
  const service = serviceField(
    fromPayload ? payload.service : repository.name,
    services,
    fromPayload ? "deployment.payload.service" : "repository.name",
  );
  const environment = nameField(deployment, "environment", "deployment.environment");
  const version = nameField(deployment, "ref", "deployment.ref");
  const sha = deployment.sha;
  for (const field of [service, environment, version]) if (Array.isArray(field)) errors.push(...field);
  if (typeof sha !== "string" || !COMMIT.test(sha)) {
    errors.push("`deployment.sha` must be a commit sha of 7 to 40 hex characters.");
  }
  // Optional: absent (or an empty list) leaves the head commit alone; present, it is checked like `commits`.
  const listed =
    payload.commits === undefined || (Array.isArray(payload.commits) && payload.commits.length === 0)
      ? []
      : commitsField(payload.commits, "deployment.payload.commits");
  if (!Array.isArray(listed)) errors.push(listed.error);
  if (errors.length > 0) return refuse(errors.join(" "));
  // The head commit is often listed too: once is enough.
  const seen = new Set<string>();
  const commits: string[] = [];
  for (const commit of [sha as string, ...(listed as string[])]) {
    if (seen.has(commit.toLowerCase())) continue;
    seen.add(commit.toLowerCase());
    commits.push(commit);
  }
  return {
    ok: true,
    deploy: {
      service: service as string,
      environment: environment as string,
      version: version as string,
      commits,
    },
  };
}

/** `deployment.payload` is whatever the deployer sent: an object, or JSON text of one. */
function deploymentPayload(value: unknown): Record<string, unknown> {
  if (isRecord(value)) return value;
  if (typeof value !== "string") return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}
