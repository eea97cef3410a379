import { Router } from "express";
import type { Redis } from "ioredis";

/** `GET /healthz`: 200 when Redis answers, 503 otherwise, so a load balancer stops sending work we cannot do. */
export function createHealthRouter(redis: Redis): Router {
  const router = Router();
  router.get("/healthz", async (_req, res) => {
    try {
      await redis.ping();
      res.type("text/plain").send("ok");
    } catch {
      res.status(503).type("text/plain").send("redis unavailable");
    }
  });
  return router;
}
