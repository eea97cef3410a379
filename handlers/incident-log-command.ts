/**
 * `/incident log` (anywhere): the addresses of the incident log (JSON and CSV) and of the metrics, answered to
 * the asker only, because the log's addresses hold the API token (like the calendar links). When API_TOKEN is
 * unset the log API is off, and the answer says how to turn it on.
 */
import type { CommandOf } from "../src/core/commands/schema.js";
import type { Inbound } from "../src/core/ports.js";
import type { AfterLogVarsMap } from "../src/core/templates/registry-after-log.js";
import type { HandlerContext } from "./context.js";
import { reply } from "./outbox-items.js";

export async function incidentLogCommand(
  ctx: HandlerContext,
  inbound: Inbound,
  _command: CommandOf<"log">,
): Promise<void> {
  const token = ctx.webTokens.api;
  const withToken = (path: string) =>
    token ? `${ctx.publicUrl}${path}?token=${encodeURIComponent(token)}` : "";
  const vars: AfterLogVarsMap["incident-log"] = {
    enabled: token !== undefined && token !== "",
    jsonUrl: withToken("/api/incidents"),
    csvUrl: withToken("/api/incidents.csv"),
    metricsUrl: `${ctx.publicUrl}/metrics`,
  };
  await reply(ctx, inbound, ctx.render("incident-log", vars), "incident-log");
}
