/**
 * The optional access token of the status pages (`STATUS_PAGE_TOKEN`): without one the pages are public.
 *
 * With one, a request passes when it carries the token as `?token=…` or in the cookie this gate sets. The
 * cookie is what lets the links inside a page (`/incidents/INC-4`) and the page's own
 * refresh work after the first visit through the link handed out in chat, without the token in every URL.
 * It is HttpOnly (nothing on the page could read it anyway: the pages run no script) and SameSite=Lax (a
 * link from elsewhere still opens the page; another site cannot post with it). The token is compared in
 * constant time, and checked before anything is looked up, so someone without it learns nothing, not even
 * which incident numbers exist. (The post-mortem drafts do not use this gate: each has its own link token,
 * src/http/postmortem.ts.)
 */
import type { Request, RequestHandler, Response } from "express";
import { tokenMatches } from "./token-match.js";

export const STATUS_COOKIE = "firebreak_status";
/** How long a browser keeps the cookie: a month of glancing at the page from the same phone. */
const COOKIE_MAX_AGE_S = 30 * 86_400;

/** One cookie's value from a Cookie header (no cookie-parser: this is the only cookie we read). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Express middleware: lets a request through when no token is configured or it carries the right one (and
 * remembers a query-string token in the cookie); otherwise answers 401 with `denied`'s page.
 */
export function statusTokenGate(
  token: string | undefined,
  options: { secureCookie: boolean; denied: (res: Response) => void },
): RequestHandler {
  return (req: Request, res: Response, next) => {
    if (!token) return next();
    const fromQuery = typeof req.query.token === "string" ? req.query.token : undefined;
    if (tokenMatches(token, fromQuery)) {
      res.cookie(STATUS_COOKIE, token, {
        httpOnly: true,
        sameSite: "lax",
        secure: options.secureCookie,
        path: "/",
        maxAge: COOKIE_MAX_AGE_S * 1000,
      });
      return next();
    }
    if (tokenMatches(token, cookieValue(req.get("cookie"), STATUS_COOKIE))) return next();
    res.status(401);
    options.denied(res);
  };
}
