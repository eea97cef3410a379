/**
 * The access token in a post-mortem draft's link. The draft holds the incident's whole internal history (notes,
 * pages, declines, merged duplicates' titles), far more than the public status pages show, so it is not
 * behind the status pages' shared token: each draft has a token of its own, and the link handed out in the
 * incident's channel and to the post-mortem's owner is the credential. A token opens that one draft and no
 * other, and no calendar feed.
 *
 * It is derived like a calendar feed's token (calendar-token.ts: HMAC-SHA256 under the deployment's secret),
 * with `postmortem:INC-n` as the subject. That subject can never be a rotation id (those are lowercase, with
 * no colon), so no calendar token ever equals a draft's. Nothing is stored per draft, and replacing the secret
 * revokes every draft link along with every feed URL.
 */
import { calendarToken, calendarTokenMatches } from "../oncall/calendar-token.js";

function subject(incidentId: string): string {
  return `postmortem:${incidentId}`;
}

export function postmortemToken(secret: string, incidentId: string): string {
  return calendarToken(secret, subject(incidentId));
}

/** Whether `token` opens the draft of `incidentId` (canonical form, `INC-4`), compared in constant time. */
export function postmortemTokenMatches(
  secret: string,
  incidentId: string,
  token: string | undefined,
): boolean {
  return calendarTokenMatches(secret, subject(incidentId), token);
}
