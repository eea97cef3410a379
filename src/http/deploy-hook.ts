/**
 * `POST /hooks/deploy`: a deploy pipeline (or GitHub) says which commits reached which environment, and the
 * incidents whose recorded fix is among them hear of it (core/incident/deploy-match.ts decides what changes;
 * `apply`, passed in by src/main, changes it and tells people).
 *
 * Off (404, as if it did not exist) without DEPLOY_WEBHOOK_SECRET. Answers, in the order they are checked:
 * - 400 `{error}`: the body is over 256 KB or unreadable (nothing is verified before the body is read);
 * - 401 `{error}`: the signature is missing or wrong, or the timestamp is stale (deploy-signature.ts says why);
 * - 202 `{ignored}`: a GitHub event other than a successful deployment_status;
 * - 400 `{error}`: bad JSON, a missing field, an unknown service, malformed commits; nothing is changed;
 * - 200 `{matched: ["INC-4"], ignored: n}`: the incidents this delivery changed, and how many of the deploy's
 *   commits changed nothing (no open incident waits for them, or this deploy was already recorded);
 * - 401 `{error}`: the request was applied before (the same signature, or GitHub delivery id);
 * - 503 `{error}`: Redis (or the outbox) is unavailable; send it again.
 *
 * The signature or delivery id is claimed only once the deploy was applied: a request answered 400 (the config
 * was then fixed) or 503 may be sent again as it was, which GitHub's "Redeliver" does, while a replay of one that
 * succeeded is refused. Applying is idempotent (a deploy already recorded changes nothing and its news is keyed
 * by its record), so a replay, or two copies racing, does no harm before it is refused.
 */
import express, { type Request, type Response, Router } from "express";
import type { HandlerContext } from "../../handlers/context.js";
import type { Deploy, DeployResult } from "../core/incident/deploy-match.js";
import {
  type DeployRead,
  type GithubRead,
  MAX_DEPLOY_BODY_BYTES,
  readDeploy,
  readGithubDeploymentStatus,
} from "../core/incident/deploy-payload.js";
import {
  firebreakSignature,
  githubSignature,
  signatureMatches,
  timestampProblem,
} from "./deploy-signature.js";

/** What a deploy does to the incidents (handlers/deploy-hook.ts `applyDeploy`). */
export type ApplyDeploy = (ctx: HandlerContext, deploy: Deploy) => Promise<DeployResult>;

/** How long an accepted signature is remembered: longer than the 5 minutes either way a timestamp may be off. */
const SIGNATURE_MEMORY_MS = 10 * 60_000;
/** GitHub signs no timestamp, so its delivery ids are remembered longer (a later replay changes nothing anyway). */
const GITHUB_DELIVERY_MEMORY_MS = 24 * 3600_000;
const DELIVERY_ID = /^[A-Za-z0-9-]{1,100}$/;

type Answer = { status: number; body: Record<string, unknown> };
const fail = (status: number, error: string): Answer => ({ status, body: { error } });

export function createDeployHookRouter(
  ctx: HandlerContext,
  options: { secret?: string; apply: ApplyDeploy },
): Router {
  const router = Router();
  const { secret, apply } = options;
  if (!secret) return router;
  // Raw bytes for this route only: the signature is over exactly what was sent.
  const raw = express.raw({ type: () => true, limit: MAX_DEPLOY_BODY_BYTES });

  router.post("/hooks/deploy", (req, res) => {
    raw(req, res, (err?: unknown) => {
      if (err) {
        const tooLarge = (err as { type?: string }).type === "entity.too.large";
        send(
          res,
          fail(
            400,
            tooLarge
              ? "The body is larger than 256 KB. Nothing was changed."
              : "The body could not be read. Nothing was changed.",
          ),
        );
        return;
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const github = req.get("x-github-event");
      const answer = github === undefined ? firebreak(req, body) : fromGithub(req, github, body);
      answer.then(
        (a) => send(res, a),
        (e: unknown) => {
          ctx.logger.error({ err: String(e) }, "deploy hook failed");
          send(
            res,
            fail(
              503,
              "Firebreak could not finish this deploy (Redis is unavailable); send it again: what was already recorded is not recorded twice, and whoever was not told yet is told.",
            ),
          );
        },
      );
    });
  });

  async function firebreak(req: Request, body: Buffer): Promise<Answer> {
    const signature = req.get("x-firebreak-signature");
    const timestamp = req.get("x-firebreak-timestamp");
    if (!signature || !timestamp) {
      return fail(
        401,
        "Missing X-Firebreak-Signature or X-Firebreak-Timestamp (see the README for how to sign).",
      );
    }
    if (!signatureMatches(signature, firebreakSignature(secret as string, timestamp.trim(), body))) {
      return refused("the signature does not match");
    }
    const stale = timestampProblem(timestamp, ctx.clock.now());
    if (stale) return refused(stale);
    const hex = signature.trim().slice("sha256=".length).toLowerCase();
    const read = readJson(body, (json) => readDeploy(json, serviceIds()));
    return deliver(read, {
      key: `deploy-hook-sig-${hex}`,
      ttlMs: SIGNATURE_MEMORY_MS,
      replayed: "this signature was already used: the request is replayed",
    });
  }

  async function fromGithub(req: Request, event: string, body: Buffer): Promise<Answer> {
    if (!signatureMatches(req.get("x-hub-signature-256"), githubSignature(secret as string, body))) {
      return refused("the X-Hub-Signature-256 signature is missing or does not match");
    }
    const delivery = req.get("x-github-delivery") ?? "";
    if (!DELIVERY_ID.test(delivery)) return refused("X-GitHub-Delivery is missing or malformed");
    if (event !== "deployment_status") {
      return { status: 202, body: { ignored: `${event.slice(0, 40)} events carry no deploy` } };
    }
    const read = readJson(body, (json) => readGithubDeploymentStatus(json, serviceIds()));
    if (read.ok === "ignored") return { status: 202, body: { ignored: read.reason } };
    return deliver(read, {
      key: `deploy-hook-github-${delivery}`,
      ttlMs: GITHUB_DELIVERY_MEMORY_MS,
      replayed: "this delivery was already received: the request is replayed",
    });
  }

  /** Applies a deploy read well, then claims the request (see the header: never for a 400 or a failure). */
  async function deliver(read: DeployRead, claim: { key: string; ttlMs: number; replayed: string }) {
    if (!read.ok) {
      ctx.logger.warn({ error: read.error }, "deploy hook refused a payload");
      return fail(400, read.error);
    }
    const result = await apply(ctx, read.deploy);
    if (!(await ctx.idempotency.claim(claim.key, claim.ttlMs))) return refused(claim.replayed);
    ctx.logger.info(
      {
        service: read.deploy.service,
        environment: read.deploy.environment,
        version: read.deploy.version,
        matched: result.matched,
      },
      "deploy received",
    );
    return { status: 200, body: { matched: result.matched, ignored: result.ignored } };
  }

  function refused(reason: string): Answer {
    ctx.logger.warn({ reason }, "deploy hook refused a request");
    return fail(401, `Refused: ${reason}.`);
  }

  const serviceIds = () => ctx.settings.services.map((s) => s.id);
  return router;
}

function readJson<T extends DeployRead | GithubRead>(
  body: Buffer,
  read: (json: unknown) => T,
): T | DeployRead {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return { ok: false, error: "The body is not valid JSON. Nothing was changed." };
  }
  return read(json);
}

function send(res: Response, answer: Answer): void {
  res.status(answer.status).set("Cache-Control", "no-store").json(answer.body);
}
