import { webUrl } from "../src/core/web-link.js";
import type { HandlerContext } from "./context.js";

/** An address on Firebreak's web server, `PUBLIC_URL` + `path` with its token (core/web-link.ts). */
export function webLink(ctx: Pick<HandlerContext, "publicUrl">, path: string, token?: string): string {
  return webUrl(ctx.publicUrl, path, token);
}
