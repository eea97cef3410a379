// The built-in roles of a fresh Mattermost (model/role.go, MakeDefaultRoles) and what they grant: a user's
// `roles` (space-separated names, as users/me gives them) is all the server consults for system-scoped
// permissions such as `create_post_ephemeral`, which only system_admin holds by default.

import { newId } from "./ids.js";

/** `model.RoleNameMaxLength`. */
export const ROLE_NAME_MAX_LENGTH = 64;
/** `api4.GetRolesByNamesMax`: POST /roles/names refuses more names than this. */
export const ROLES_BY_NAMES_MAX = 100;

/** `model.IsValidRoleName`: 1 to 64 of [a-z0-9_]. */
export const isValidRoleName = (name: string): boolean =>
  name.length > 0 && name.length <= ROLE_NAME_MAX_LENGTH && /^[a-z0-9_]+$/.test(name);

/** The roles a person's account gets (AccountSettings → nothing special). */
export const PERSON_ROLES = "system_user";
/**
 * A bot account given "post:all" in System Console → Bot Accounts: it may post in any channel, which is still
 * not the right to post ephemeral messages.
 */
export const BOT_ROLES = "system_user system_post_all";
/** What an administrator adds to let a bot post ephemeral messages: the only default role that grants it. */
export const EPHEMERAL_GRANTING_ROLE = "system_admin";

interface RoleSeed {
  name: string;
  /** The server stores the translation key, not a text, for built-in roles. */
  displayName: string;
  permissions: readonly string[];
  schemeManaged: boolean;
}

const CHANNEL_USER = [
  "read_channel",
  "add_reaction",
  "remove_reaction",
  "manage_public_channel_members",
  "upload_file",
  "get_public_link",
  "create_post",
  "use_channel_mentions",
  "use_slash_commands",
];

const TEAM_USER = ["list_team_channels", "join_public_channels", "read_public_channel", "view_team"];

const TEAM_ADMIN = [
  "remove_user_from_team",
  "manage_team",
  "import_team",
  "manage_team_roles",
  "manage_channel_roles",
  "manage_others_incoming_webhooks",
  "manage_others_outgoing_webhooks",
  "manage_slash_commands",
  "manage_others_slash_commands",
  "manage_incoming_webhooks",
  "manage_outgoing_webhooks",
  "convert_public_channel_to_private",
  "convert_private_channel_to_public",
];

const SYSTEM_USER = [
  "list_public_teams",
  "join_public_teams",
  "create_direct_channel",
  "create_group_channel",
  "view_members",
  "create_team",
  "create_emojis",
  "delete_emojis",
];

/**
 * system_admin holds every permission there is (`AllPermissions`); abridged here to those of the other roles
 * and the system-wide ones a bot may meet, `create_post_ephemeral` among them.
 */
const SYSTEM_ADMIN = [
  ...new Set([
    ...SYSTEM_USER,
    ...TEAM_USER,
    ...TEAM_ADMIN,
    ...CHANNEL_USER,
    "create_post_public",
    "create_post_ephemeral",
    "edit_post",
    "edit_others_posts",
    "delete_post",
    "delete_others_posts",
    "create_public_channel",
    "create_private_channel",
    "manage_public_channel_properties",
    "manage_private_channel_properties",
    "manage_private_channel_members",
    "delete_public_channel",
    "delete_private_channel",
    "read_private_channel_groups",
    "read_public_channel_groups",
    "use_group_mentions",
    "add_user_to_team",
    "list_private_teams",
    "join_private_teams",
    "list_users_without_team",
    "edit_other_users",
    "manage_oauth",
    "manage_system_wide_oauth",
    "manage_bots",
    "manage_others_bots",
    "create_bot",
    "read_bots",
    "read_others_bots",
    "create_user_access_token",
    "read_user_access_token",
    "revoke_user_access_token",
    "manage_jobs",
    "manage_roles",
    "manage_system",
    "get_analytics",
    "get_logs",
    "invite_user",
    "invite_guest",
    "promote_guest",
    "demote_to_guest",
    "read_other_users_teams",
    "view_team",
  ]),
];

/**
 * The `*_post_all` and `*_post_all_public` roles, alike at system and team scope: posting (everywhere, or in
 * public channels only) with channel-wide mentions; an administrator grants them, no scheme manages them.
 */
function postAll(name: string, post: "create_post" | "create_post_public"): RoleSeed {
  return {
    name,
    displayName: `authentication.roles.${name}.name`,
    permissions: [post, "use_channel_mentions"],
    schemeManaged: false,
  };
}

const SEEDS: readonly RoleSeed[] = [
  {
    name: "system_guest",
    displayName: "authentication.roles.global_guest.name",
    permissions: ["create_direct_channel", "create_group_channel"],
    schemeManaged: true,
  },
  {
    name: "system_user",
    displayName: "authentication.roles.global_user.name",
    permissions: SYSTEM_USER,
    schemeManaged: true,
  },
  postAll("system_post_all", "create_post"),
  postAll("system_post_all_public", "create_post_public"),
  {
    name: "system_user_access_token",
    displayName: "authentication.roles.system_user_access_token.name",
    permissions: ["create_user_access_token", "read_user_access_token", "revoke_user_access_token"],
    schemeManaged: false,
  },
  {
    name: "system_admin",
    displayName: "authentication.roles.global_admin.name",
    permissions: SYSTEM_ADMIN,
    schemeManaged: true,
  },
  {
    name: "team_guest",
    displayName: "authentication.roles.team_guest.name",
    permissions: ["view_team"],
    schemeManaged: true,
  },
  {
    name: "team_user",
    displayName: "authentication.roles.team_user.name",
    permissions: TEAM_USER,
    schemeManaged: true,
  },
  {
    name: "team_admin",
    displayName: "authentication.roles.team_admin.name",
    permissions: TEAM_ADMIN,
    schemeManaged: true,
  },
  postAll("team_post_all", "create_post"),
  postAll("team_post_all_public", "create_post_public"),
  {
    name: "channel_guest",
    displayName: "authentication.roles.channel_guest.name",
    permissions: [
      "read_channel",
      "add_reaction",
      "remove_reaction",
      "upload_file",
      "edit_post",
      "create_post",
      "use_channel_mentions",
      "use_slash_commands",
    ],
    schemeManaged: true,
  },
  {
    name: "channel_user",
    displayName: "authentication.roles.channel_user.name",
    permissions: CHANNEL_USER,
    schemeManaged: true,
  },
  {
    name: "channel_admin",
    displayName: "authentication.roles.channel_admin.name",
    permissions: ["manage_channel_roles", "use_group_mentions"],
    schemeManaged: true,
  },
];

/** `model.Role` as stored. */
export interface MmRole {
  id: string;
  name: string;
  displayName: string;
  description: string;
  createAt: number;
  permissions: string[];
  schemeManaged: boolean;
}

/** The built-in roles of one server, by name (ids are the server's own, so each fake has its own). */
export function defaultRoles(createAt: number): Map<string, MmRole> {
  return new Map(
    SEEDS.map((seed) => [
      seed.name,
      {
        id: newId(),
        name: seed.name,
        displayName: seed.displayName,
        description: seed.displayName.replace(/\.name$/, ".description"),
        createAt,
        permissions: [...seed.permissions],
        schemeManaged: seed.schemeManaged,
      },
    ]),
  );
}

/** `model.Role` on the wire. */
export function roleJson(role: MmRole): Record<string, unknown> {
  return {
    id: role.id,
    name: role.name,
    display_name: role.displayName,
    description: role.description,
    create_at: role.createAt,
    update_at: role.createAt,
    delete_at: 0,
    permissions: role.permissions,
    scheme_managed: role.schemeManaged,
    built_in: true,
  };
}

/** Whether any of the space-separated `roles` grants `permission` (a system-scoped check, as the server's). */
export function rolesGrant(roles: Map<string, MmRole>, userRoles: string, permission: string): boolean {
  return userRoles
    .split(/\s+/)
    .filter(Boolean)
    .some((name) => roles.get(name)?.permissions.includes(permission) === true);
}
