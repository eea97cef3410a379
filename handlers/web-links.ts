import type { HandlerContext } from "./context.js";

/**
 * An address on Firebreak's web server as handed out in chat: `PUBLIC_URL` + `path`, with `?token=` when the
 * page needs one (the status pages' or the API's). One place, so every link encodes its token the same way.
 */
export function webLink(ctx: Pick<HandlerContext, "publicUrl">, path: string, token?: string): string {
  const base = `${ctx.publicUrl.replace(/\/+$/, "")}${path}`;
  return token ? `${base}?token=${encodeURIComponent(token)}` : base;
}
