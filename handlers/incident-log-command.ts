/**
 * `/incident log` (anywhere): the addresses of the incident log (JSON and CSV) and of the metrics, answered to
 * the asker only. The log's addresses hold the API token, which reads every incident, private ones included,
 * so only managers and admins (the config's `roles`) get them; anyone else is told whom to ask. When API_TOKEN
 * is unset the log API is off, and the answer says how to turn it on.
 */
import type { CommandOf } from "../src/core/commands/schema.js";
import { rolesOf } from "../src/core/incident/permissions.js";
import { platformIdsOf } from "../src/core/oncall/people.js";
import type { Inbound } from "../src/core/ports.js";
import type { AfterLogVarsMap } from "../src/core/templates/registry-after-log.js";
import type { HandlerContext } from "./context.js";
import { reply } from "./outbox-items.js";
import { webLink } from "./web-links.js";

export async function incidentLogCommand(
  ctx: HandlerContext,
  inbound: Inbound,
  _command: CommandOf<"log">,
): Promise<void> {
  const token = ctx.webTokens.api;
  const enabled = token !== undefined && token !== "";
  // No incident here: only the config's roles count (no commander, no comms lead).
  const roles = rolesOf(ctx.settings, { platform: inbound.platform }, inbound.actor);
  const allowed = roles.includes("manager") || roles.includes("admin");
  const ids = (group: readonly string[]) =>
    platformIdsOf(ctx.settings, group, inbound.platform).map((id) => ({ id }));
  const withToken = (path: string) => (enabled && allowed ? webLink(ctx, path, token) : "");
  const vars: AfterLogVarsMap["incident-log"] = {
    enabled,
    allowed,
    jsonUrl: withToken("/api/incidents"),
    csvUrl: withToken("/api/incidents.csv"),
    metricsUrl: webLink(ctx, "/metrics"),
    managers: allowed ? [] : ids(ctx.settings.roles.managers),
    admins: allowed ? [] : ids(ctx.settings.roles.admins),
  };
  await reply(ctx, inbound, ctx.render("incident-log", vars), "incident-log");
}
