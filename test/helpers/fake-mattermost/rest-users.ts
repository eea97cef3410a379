// Users and teams (api4/user.go, api4/team.go): who the bot is, who people are, which teams it belongs to.

import { teamJson, userJson } from "./json.js";
import { AppError, Errors } from "./records.js";
import type { RestContext, Route } from "./rest.js";
import type { MmTeam, MmUser } from "./state.js";

function userParam(ctx: RestContext): MmUser {
  const id = ctx.params.user_id ?? "";
  const user = id === "me" ? ctx.actor : ctx.world.users.get(id);
  // Looking someone up is how a bot learns they do not exist: not a violation.
  if (!user) throw Errors.missingUser(true);
  return user;
}

function visibleTeam(ctx: RestContext, team: MmTeam | undefined, notFound: AppError): MmTeam {
  if (!team) throw notFound;
  if (!team.members.has(ctx.actor.id)) throw Errors.permission("team_not_member");
  return team;
}

export const USER_ROUTES: Route[] = [
  {
    method: "GET",
    template: "/api/v4/users/{user_id}",
    status: 200,
    handle: (ctx) => {
      const user = userParam(ctx);
      return userJson(user, user.id === ctx.actor.id);
    },
  },
  {
    method: "GET",
    template: "/api/v4/users/username/{username}",
    status: 200,
    handle: (ctx) => {
      const user = ctx.world.userByName(ctx.params.username ?? "");
      if (!user) throw Errors.missingUser(true);
      return userJson(user, user.id === ctx.actor.id);
    },
  },
  {
    method: "POST",
    template: "/api/v4/users/ids",
    status: 200,
    handle: (ctx) => {
      if (!Array.isArray(ctx.body)) throw Errors.invalidBodyParam("user_ids", "body_not_array");
      // Unknown ids are left out rather than failing the whole lookup.
      return ctx.body.flatMap((id) => {
        const u = typeof id === "string" ? ctx.world.users.get(id) : undefined;
        return u ? [userJson(u, u.id === ctx.actor.id)] : [];
      });
    },
  },
  {
    method: "GET",
    template: "/api/v4/users/{user_id}/teams",
    status: 200,
    handle: (ctx) => {
      const user = userParam(ctx);
      if (user.id !== ctx.actor.id) throw Errors.permission("other_users_teams");
      return [...ctx.world.teams.values()].filter((t) => t.members.has(user.id)).map(teamJson);
    },
  },
  {
    method: "GET",
    template: "/api/v4/teams/name/{name}",
    status: 200,
    handle: (ctx) =>
      teamJson(
        visibleTeam(
          ctx,
          ctx.world.teamByName(ctx.params.name ?? ""),
          // A name lookup that finds nothing is a normal answer (a mistyped MATTERMOST_TEAM), not a violation.
          new AppError(404, "app.team.get_by_name.missing.app_error", "Unable to find the existing team.", {
            kind: null,
            rule: "unknown_team",
          }),
        ),
      ),
  },
  {
    method: "GET",
    template: "/api/v4/teams/{team_id}",
    status: 200,
    handle: (ctx) =>
      teamJson(
        visibleTeam(
          ctx,
          ctx.world.teams.get(ctx.params.team_id ?? ""),
          new AppError(404, "app.team.get.find.app_error", "Unable to find the existing team.", {
            kind: "state",
            rule: "unknown_team",
          }),
        ),
      ),
  },
];
