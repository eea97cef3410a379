/**
 * An address on Firebreak's web server as handed out in chat: `PUBLIC_URL` + `path`, with `?token=` when the
 * page needs one (the status pages', the API's, a post-mortem draft's). One place, so every link encodes its
 * token the same way.
 */
export function webUrl(publicUrl: string, path: string, token?: string): string {
  const base = `${publicUrl.replace(/\/+$/, "")}${path}`;
  return token ? `${base}?token=${encodeURIComponent(token)}` : base;
}
