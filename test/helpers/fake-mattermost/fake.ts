// The fake Mattermost as tests use it: one HTTP server on 127.0.0.1 serving REST (server.ts), command response
// URLs and the WebSocket (websocket.ts), a world of people and channels (state.ts), and the drivers that play the
// Mattermost side of slash commands, buttons, dialogs, posts and reactions (to-bot.ts).

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { OutgoingEvent } from "./events.js";
import { Ledger, type RecordedCall, type Violation, type Warning } from "./records.js";
import type { ServerSettings } from "./rest.js";
import { BOT_ROLES, EPHEMERAL_GRANTING_ROLE } from "./roles.js";
import { RestServer } from "./server.js";
import { loadMattermostSpec, type MattermostSpec } from "./spec.js";
import {
  BOT_USERNAME,
  DEFAULT_CHANNELS,
  DEFAULT_USERS,
  type EphemeralPost,
  type MmChannel,
  type MmUser,
  type OpenedDialog,
  type SeedChannel,
  type SeedTeam,
  type SeedUser,
  type StoredPost,
  World,
} from "./state.js";
import {
  type ActionDelivery,
  clickButton,
  type DialogDelivery,
  type DriverDeps,
  postAs,
  react,
  type SlashCommandDelivery,
  type SlashCommandInput,
  sendSlashCommand,
  submitDialog,
} from "./to-bot.js";
import { WebSocketHub } from "./websocket.js";

export interface FakeMattermostOptions {
  /** Replaces alice, bob and dana. The bot (`firebreak`) is always there. */
  users?: SeedUser[];
  /** Replaces town-square, general and incidents (see DEFAULT_CHANNELS). */
  channels?: SeedChannel[];
  /** Default one team, `acme`. Channels go to the first unless they name theirs. */
  teams?: SeedTeam[];
  /**
   * POST /posts/ephemeral needs `create_post_ephemeral`, which of the default roles only system_admin grants:
   * true gives the bot `system_admin` on top of its `system_user system_post_all`. Default false.
   */
  botCanPostEphemeral?: boolean;
  /** OutgoingIntegrationRequestsTimeout: how long a trigger id opens a dialog. Default 30 000. */
  triggerTtlMs?: number;
  /** Tokens of the slash command(s); the first is sent. Default one. */
  commandTokens?: string[];
  botToken?: string;
  /** The bot's HTTP base URL (where `/mattermost/*` are served); settable later. */
  botUrl?: string;
  /** Path of the slash command's Request URL under `botUrl`. Default `/mattermost/command`. */
  commandPath?: string;
  /** Clock in ms for trigger and response-URL expiry and timestamps. Default Date.now. */
  now?: () => number;
  /** Folder of the Mattermost specs; `false` ignores them even when present. Default ../shared/specs/mattermost. */
  specDir?: string | false;
}

export class FakeMattermost {
  readonly botToken: string;
  readonly botUserId: string;
  readonly botUsername = BOT_USERNAME;
  readonly teamId: string;
  readonly teamName: string;
  readonly commandTokens: readonly string[];
  /** The spec requests are checked against, or undefined when the folder is absent. */
  readonly spec: MattermostSpec | undefined;
  botUrl: string | undefined;

  private readonly world: World;
  private readonly ledger: Ledger;
  private readonly hub: WebSocketHub;
  private readonly rest: RestServer;
  private readonly settings: ServerSettings;
  private readonly drivers: DriverDeps;
  private readonly http: Server;
  private port = 0;

  constructor(options: FakeMattermostOptions = {}) {
    const now = options.now ?? Date.now;
    this.world = new World(now);
    this.ledger = new Ledger(now);
    this.botToken = options.botToken ?? "fakebottoken0000000000000000";
    this.commandTokens = options.commandTokens ?? ["cmdtoken-0000000000000000000000"];
    this.botUrl = options.botUrl;
    this.spec = options.specDir === false ? undefined : loadMattermostSpec(options.specDir);

    const bot = this.world.addUser({
      username: BOT_USERNAME,
      displayName: "Firebreak",
      isBot: true,
      ...(options.botCanPostEphemeral ? { roles: `${BOT_ROLES} ${EPHEMERAL_GRANTING_ROLE}` } : {}),
    });
    this.botUserId = bot.id;
    for (const u of options.users ?? DEFAULT_USERS) this.world.addUser(u);
    const teams = options.teams ?? [{ name: "acme", displayName: "Acme" }];
    if (teams.length === 0)
      throw new Error("fake-mattermost: give at least one team (botIsMember: false for none)");
    const created = teams.map((t) => this.world.addTeam(t, bot.id));
    const first = created[0] as (typeof created)[number];
    this.teamId = first.id;
    this.teamName = first.name;
    for (const seed of options.channels ?? DEFAULT_CHANNELS) this.seedChannel(seed, first.id, bot);

    this.settings = {
      siteUrl: "",
      triggerTtlMs: options.triggerTtlMs ?? 30_000,
    };
    const userForToken = (token: string) => (token === this.botToken ? this.botUserId : undefined);
    this.hub = new WebSocketHub({ userForToken, now });
    const emit = (event: OutgoingEvent) => this.hub.broadcast(event);
    this.rest = new RestServer({
      world: this.world,
      settings: this.settings,
      spec: this.spec,
      ledger: this.ledger,
      userForToken,
      emit,
    });
    this.drivers = {
      world: this.world,
      ledger: this.ledger,
      bot,
      emit,
      warn: (message) => this.ledger.warn(0, "(driver)", message),
      siteUrl: () => this.url,
      botUrl: () => this.botUrl,
      commandPath: options.commandPath ?? "/mattermost/command",
      commandTokens: this.commandTokens,
    };
    this.http = createServer((req, res) => {
      this.rest.handle(req, res).catch((err: unknown) => {
        // A bug in the fake, not in the bot: answer 500 and make it loud.
        console.error("fake-mattermost internal error", err);
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ id: "fake_mattermost.internal", message: String(err), status_code: 500 }));
      });
    });
    this.hub.attach(this.http);
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.http.listen(0, "127.0.0.1", resolve));
    this.port = (this.http.address() as AddressInfo).port;
    this.settings.siteUrl = this.url;
    return this;
  }

  async close(): Promise<void> {
    await this.hub.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /** Site URL, e.g. `http://127.0.0.1:PORT` (no trailing slash). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get commandToken(): string {
    return this.commandTokens[0] ?? "";
  }

  // --- records ---------------------------------------------------------------------------------------------

  get calls(): RecordedCall[] {
    return this.ledger.calls;
  }

  get violations(): Violation[] {
    return this.ledger.violations;
  }

  /** Things real Mattermost accepts but logs as invalid (e.g. a button without a name). */
  get warnings(): Warning[] {
    return this.ledger.warnings;
  }

  /** Returns and forgets the violations so far: for tests that provoke one on purpose. */
  takeViolations(): Violation[] {
    return this.ledger.violations.splice(0);
  }

  /** Throws a readable list unless every violation's rule or error id is in `allow`. */
  assertNoViolations(options: { allow?: string[] } = {}): void {
    this.ledger.assertNoViolations(options);
  }

  // --- the world -------------------------------------------------------------------------------------------

  user(username: string): MmUser {
    return this.world.mustUser(username);
  }

  addUser(seed: SeedUser): MmUser {
    return this.world.addUser(seed);
  }

  /**
   * Sets a person's (or the bot's) system roles, space-separated, as an administrator would in the System
   * Console: what users/me says and what permission checks read from then on.
   */
  setRoles(username: string, roles: string): void {
    this.world.mustUser(username).roles = roles;
  }

  /** By name in the bot's team (else any team), or by id. */
  channel(nameOrId: string): MmChannel | undefined {
    return this.world.channelByName(this.teamId, nameOrId) ?? this.world.lookupChannel(nameOrId);
  }

  channelById(id: string): MmChannel | undefined {
    return this.world.channels.get(id);
  }

  addChannel(seed: SeedChannel): MmChannel {
    const team = seed.team ? this.world.teamByName(seed.team) : this.world.teams.get(this.teamId);
    if (!team) throw new Error(`fake-mattermost: no team ${seed.team}`);
    if (this.world.channelByName(team.id, seed.name))
      throw new Error(`fake-mattermost: ~${seed.name} exists`);
    return this.seedChannel(seed, team.id, this.world.users.get(this.botUserId) as MmUser);
  }

  /** Posts in a channel, oldest first; the server's own notices (joins, additions) only with `includeSystem`. */
  posts(channelName: string, options: { includeSystem?: boolean } = {}): StoredPost[] {
    const channel = this.channel(channelName);
    if (!channel) throw new Error(`fake-mattermost: no channel ${channelName}`);
    return this.world
      .postsIn(channel.id)
      .filter((p) => options.includeSystem || !p.type.startsWith("system_"));
  }

  /** Posts of the bot's direct channel with `username` (empty when none was opened). */
  dmWith(username: string): StoredPost[] {
    const user = this.world.mustUser(username);
    const name = [this.botUserId, user.id].sort().join("__");
    const dm = [...this.world.channels.values()].find((c) => c.type === "D" && c.name === name);
    return dm ? this.world.postsIn(dm.id) : [];
  }

  ephemerals(username: string): EphemeralPost[] {
    const user = this.world.mustUser(username);
    return this.world.ephemerals.filter((e) => e.userId === user.id);
  }

  dialogs(username: string): OpenedDialog[] {
    const user = this.world.mustUser(username);
    return this.world.dialogs.filter((d) => d.userId === user.id);
  }

  /** A trigger id as a command or click carries, for tests of dialogs/open on their own. */
  mintTriggerId(username: string, channelName = "incidents"): string {
    const channel = this.channel(channelName);
    if (!channel) throw new Error(`fake-mattermost: no channel ${channelName}`);
    return this.world.mintTrigger(this.world.mustUser(username).id, channel.id).id;
  }

  // --- drivers ---------------------------------------------------------------------------------------------

  sendSlashCommand(input: SlashCommandInput): Promise<SlashCommandDelivery> {
    return sendSlashCommand(this.drivers, input);
  }

  clickButton(input: Parameters<typeof clickButton>[1]): Promise<ActionDelivery> {
    return clickButton(this.drivers, input);
  }

  submitDialog(input: {
    user: string;
    dialog: OpenedDialog;
    values: Record<string, string>;
    state?: string;
  }): Promise<DialogDelivery> {
    return submitDialog(this.drivers, input);
  }

  /** The person closes the dialog; Mattermost tells the bot only when the dialog asked (`notify_on_cancel`). */
  async cancelDialog(input: { user: string; dialog: OpenedDialog }): Promise<DialogDelivery | undefined> {
    if (input.dialog.dialog.notify_on_cancel !== true) return undefined;
    return submitDialog(this.drivers, { ...input, values: {}, cancel: true });
  }

  /** A person posts; members' WebSockets get `posted` (with `mentions` when it @mentions them). */
  async postAs(input: { user: string; channel: string; message: string }): Promise<StoredPost> {
    return postAs(this.drivers, input);
  }

  async react(input: { user: string; post: StoredPost; emoji: string }): Promise<void> {
    react(this.drivers, input);
  }

  // --- network ---------------------------------------------------------------------------------------------

  /** Abruptly closes every live WebSocket; `forget` also drops the server's sessions (a restart). */
  dropWebSockets(options: { forget?: boolean } = {}): void {
    this.hub.drop(options);
  }

  webSocketCount(): number {
    return this.hub.count();
  }

  /**
   * The next `times` (default 1) REST or response-URL requests whose path matches get `status` instead of their
   * answer: 429 as Mattermost's rate limiter sends it (text `limit exceeded`, `Retry-After`), others as an
   * AppError; `network: true` drops the connection unanswered.
   */
  failNext(
    path: RegExp,
    response: { status: number; retryAfterSec?: number; times?: number; network?: boolean },
  ): void {
    this.rest.failNext({ path, ...response });
  }

  private seedChannel(seed: SeedChannel, defaultTeamId: string, bot: MmUser): MmChannel {
    const team = seed.team ? this.world.teamByName(seed.team) : this.world.teams.get(defaultTeamId);
    if (!team) throw new Error(`fake-mattermost: no team ${seed.team}`);
    const channel = this.world.insertChannel({
      teamId: team.id,
      type: seed.type ?? "O",
      name: seed.name,
      displayName: seed.displayName ?? seed.name,
      header: "",
      purpose: "",
      creatorId: bot.id,
    });
    for (const username of seed.members ?? []) channel.members.add(this.world.mustUser(username).id);
    if (seed.botIsMember) channel.members.add(bot.id);
    return channel;
  }
}

/** Starts a fake Mattermost on 127.0.0.1 and a random port. Remember `await fake.close()`. */
export async function startFakeMattermost(options: FakeMattermostOptions = {}): Promise<FakeMattermost> {
  return new FakeMattermost(options).listen();
}
