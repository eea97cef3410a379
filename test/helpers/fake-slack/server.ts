// The fake Slack: a real HTTP server on 127.0.0.1 that `@slack/web-api` and Bolt talk to as if it were
// https://slack.com/api/, plus response URLs and helpers that deliver signed requests to the app.
//
// Order of checks for a Web API call, as Slack does it: unknown method, injected faults / rate limit, token,
// body encoding, arguments (required + types, from the spec when present), then the method's own rules.
// Every `{ok:false}` answer caused by the app is recorded in `violations`; injected faults are not.

import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CATALOG, DEFAULT_BOT_SCOPES, type ParamDef } from "./catalog.js";
import { HANDLERS, type MethodEnv, messageBlocks } from "./methods.js";
import { RateLimiter } from "./rate-limits.js";
import {
  type RecordedCall,
  SlackApiError,
  type Violation,
  type ViolationKind,
  type Warning,
} from "./records.js";
import { loadWebApiSpec, type SlackWebApiSpec } from "./spec.js";
import {
  type Conversation,
  DEFAULT_CHANNELS,
  DEFAULT_USERS,
  type OpenedView,
  type ResponseUrl,
  type SeedChannel,
  type SeedUser,
  type SlackUser,
  type StoredMessage,
  Workspace,
  type WorkspaceIdentity,
} from "./state.js";
import {
  actionFor,
  type Delivery,
  type DeliveryKind,
  type DeliveryOptions,
  deliver,
  formBody,
  interactionBody,
  interactiveElements,
  stateValueFor,
} from "./to-bot.js";

export interface FakeSlackOptions {
  /** The bot token the app is configured with. Default `xoxb-firebreak-test`. */
  botToken?: string;
  /** Other tokens accepted for the same bot (e.g. after a rotation). */
  extraTokens?: string[];
  /** Signs requests to the app. Default `fake-signing-secret`. */
  signingSecret?: string;
  /** The deprecated `token` field Slack still puts in payloads. */
  verificationToken?: string;
  /** The app's Request URL (Bolt default path `/slack/events`); can also be set later or per delivery. */
  botUrl?: string;
  identity?: Partial<WorkspaceIdentity>;
  /** Replaces the default people (U0ALICE, U0BOB, U0DANA). The bot user is always added. */
  users?: SeedUser[];
  /** Replaces the default `#general`. */
  channels?: SeedChannel[];
  /** Granted bot scopes. Default: exactly what manifest.yml requests. */
  scopes?: readonly string[];
  /** Added before every Web API / response URL answer, e.g. 50 for benchmarks. */
  latencyMs?: number;
  /** Clock in ms (trigger and response-URL expiry, message ts). Default Date.now. */
  now?: () => number;
  /** views.open accepts a trigger this long after it was minted. Default 3000. */
  triggerTtlMs?: number;
  responseUrlTtlMs?: number;
  responseUrlMaxUses?: number;
  /** Slack gives up on the app's ack after this long. Default 3000. */
  ackDeadlineMs?: number;
  /** Enforce per-method tier limits (sliding minute). Default false. */
  rateLimits?: boolean;
  /** Largest conversations.list page returned whatever `limit` says, to make tests exercise pagination. */
  maxPageSize?: number;
  /** Path of the OpenAPI file; `false` ignores it even when present. Default ../shared/specs/slack/... */
  specPath?: string | false;
}

export type Fault =
  /** HTTP 429 + `Retry-After` + `{"ok":false,"error":"ratelimited"}`. */
  | { type: "rate_limited"; retryAfterSec?: number }
  /** A non-200 status from Slack's edge (500, 502, 503...). */
  | { type: "http_error"; status?: number }
  /** HTTP 200 `{ok:false,error}`, e.g. `internal_error`, `fatal_error`, `request_timeout`. */
  | { type: "slack_error"; error: string }
  /** The connection is dropped without an answer. */
  | { type: "reset" };

export interface SlashCommandInput {
  text?: string;
  command?: string;
  user?: string;
  /** Id or name. Default `general`. */
  channel?: string;
  /**
   * Escape `@name` / `#channel` as Slack does for commands with `should_escape: true` (our manifest):
   * `<@U0BOB|bob>`, `<#C…|incidents>`. Default true.
   */
  escape?: boolean;
}

export type BlockActionInput = {
  user?: string;
  actionId: string;
  /** Selected value(s): option values, user/channel ids, a date... Buttons send their own `value`. */
  value?: string | string[];
} & ({ channel: string; messageTs: string } | { viewId: string });

export interface ViewSubmissionInput {
  viewId: string;
  user?: string;
  /** By block_id: what the person entered/selected in that input (option values, user ids, text). */
  values?: Record<string, string | string[] | number | null>;
}

export interface SlashCommandDelivery extends Delivery {
  responseUrl: ResponseUrl;
  triggerId: string;
}

export interface InteractionDelivery extends Delivery {
  responseUrl: ResponseUrl | undefined;
  triggerId: string;
}

export interface EventDelivery extends Delivery {
  envelope: Record<string, unknown>;
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function typeOk(v: unknown, def: ParamDef, isJson: boolean): boolean {
  if (def.json && (Array.isArray(v) || isObject(v))) return isJson;
  switch (def.type) {
    case "string":
      return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
    case "boolean":
      return (
        typeof v === "boolean" ||
        v === 0 ||
        v === 1 ||
        (typeof v === "string" && /^(true|false|1|0)$/.test(v))
      );
    case "integer":
      return (typeof v === "number" && Number.isInteger(v)) || (typeof v === "string" && /^-?\d+$/.test(v));
    case "number":
      return typeof v === "number" || (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v)));
    default:
      return false;
  }
}

export class FakeSlack {
  readonly ws: Workspace;
  readonly botToken: string;
  readonly signingSecret: string;
  readonly verificationToken: string;
  readonly scopes: Set<string>;
  /** The spec used for argument checks, or undefined when the file is absent (catalogue rules only). */
  readonly spec: SlackWebApiSpec | undefined;
  botUrl: string | undefined;
  latencyMs: number;

  readonly calls: RecordedCall[] = [];
  readonly violations: Violation[] = [];
  readonly warnings: Warning[] = [];
  readonly deliveries: Delivery[] = [];

  private server: Server | undefined;
  private port = 0;
  private seq = 0;
  private readonly tokens: Set<string>;
  private readonly faults = new Map<string, Fault[]>();
  private readonly limiter: RateLimiter | undefined;
  private readonly env: MethodEnv;

  constructor(private readonly options: FakeSlackOptions = {}) {
    const now = options.now ?? Date.now;
    const identity: WorkspaceIdentity = {
      teamId: "T0FIREBRK",
      teamDomain: "firebreak-test",
      teamName: "Firebreak Test",
      botUserId: "U0FIREBRK",
      botId: "B0FIREBRK",
      appId: "A0FIREBRK",
      botName: "firebreak",
      ...options.identity,
    };
    this.ws = new Workspace(identity, now);
    this.ws.addUser({ id: identity.botUserId, name: identity.botName, realName: "Firebreak", isBot: true });
    for (const u of options.users ?? DEFAULT_USERS) this.ws.addUser(u);
    for (const c of options.channels ?? DEFAULT_CHANNELS)
      this.ws.addConversation(c, c.members?.[0] ?? identity.botUserId);
    this.botToken = options.botToken ?? "xoxb-firebreak-test";
    this.tokens = new Set([this.botToken, ...(options.extraTokens ?? [])]);
    this.signingSecret = options.signingSecret ?? "fake-signing-secret";
    this.verificationToken = options.verificationToken ?? "fake-verification-token";
    this.scopes = new Set(options.scopes ?? DEFAULT_BOT_SCOPES);
    this.spec = options.specPath === false ? undefined : loadWebApiSpec(options.specPath);
    this.botUrl = options.botUrl;
    this.latencyMs = options.latencyMs ?? 0;
    this.limiter = options.rateLimits ? new RateLimiter(now) : undefined;
    this.env = {
      ws: this.ws,
      scopes: this.scopes,
      now,
      triggerTtlMs: options.triggerTtlMs ?? 3000,
      maxPageSize: options.maxPageSize ?? Number.POSITIVE_INFINITY,
      warn: () => {},
    };
  }

  // --- lifecycle -------------------------------------------------------------------------------------------

  async listen(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // A bug in the fake, not in the app: answer 500 and make it loud.
        console.error("fake-slack internal error", err);
        if (!res.headersSent) res.writeHead(500, JSON_HEADERS);
        res.end(JSON.stringify({ ok: false, error: "fake_slack_internal_error" }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What to pass as `slackApiUrl` (WebClient) or `clientOptions.slackApiUrl` (Bolt). */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  get teamId(): string {
    return this.ws.identity.teamId;
  }

  get botUserId(): string {
    return this.ws.identity.botUserId;
  }

  // --- recordings ------------------------------------------------------------------------------------------

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Returns and forgets the violations so far: for tests that provoke an error on purpose. */
  takeViolations(): Violation[] {
    return this.violations.splice(0);
  }

  /** Throws a readable list unless every violation's rule or error is in `allow`. */
  assertNoViolations(opts: { allow?: string[] } = {}): void {
    const allow = new Set(opts.allow ?? []);
    const bad = this.violations.filter((v) => !allow.has(v.rule) && !allow.has(v.error));
    if (bad.length === 0) return;
    const lines = bad.map((v) => `  #${v.seq} ${v.method}: ${v.error} [${v.kind}/${v.rule}] ${v.message}`);
    throw new Error(`fake Slack saw ${bad.length} call(s) real Slack would reject:\n${lines.join("\n")}`);
  }

  // --- faults, latency -------------------------------------------------------------------------------------

  /** Queue `times` faults for `method` (`*` for any method); they are served before the method runs. */
  inject(method: string, fault: Fault, times = 1): void {
    const queue = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.faults.set(method, queue);
  }

  rateLimitNext(method: string, times = 1, retryAfterSec = 1): void {
    this.inject(method, { type: "rate_limited", retryAfterSec }, times);
  }

  failNext(method: string, times = 1, status = 500): void {
    this.inject(method, { type: "http_error", status }, times);
  }

  /** Called as each Web API request arrives, before latency and processing: lets a test act mid-call. */
  onApiCall: ((method: string) => void) | undefined;

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  // --- state -----------------------------------------------------------------------------------------------

  addUser(seed: SeedUser): SlackUser {
    return this.ws.addUser(seed);
  }

  addChannel(seed: SeedChannel): Conversation {
    if (this.ws.byName(seed.name)) throw new Error(`fake-slack: #${seed.name} already exists`);
    return this.ws.addConversation(seed, seed.members?.[0] ?? this.botUserId);
  }

  /** By id, `#name` or `name`. */
  channel(idOrName: string): Conversation | undefined {
    return this.ws.conversations.get(idOrName) ?? this.ws.byName(idOrName);
  }

  /** Messages in a channel, oldest first (bot and user messages; no join/topic system messages). */
  messages(idOrName: string): StoredMessage[] {
    return this.mustChannel(idOrName).messages;
  }

  ephemerals(filter: { channel?: string; user?: string } = {}) {
    const ch = filter.channel ? this.mustChannel(filter.channel).id : undefined;
    return this.ws.ephemerals.filter(
      (e) => (!ch || e.channel === ch) && (!filter.user || e.user === filter.user),
    );
  }

  view(id: string): OpenedView | undefined {
    return this.ws.views.get(id);
  }

  get views(): OpenedView[] {
    return [...this.ws.views.values()];
  }

  /** The IM channel between the bot and `userId`, if one was opened. */
  imWith(userId: string): Conversation | undefined {
    return this.ws.hasImWith(userId) ? this.ws.imWith(userId) : undefined;
  }

  /** A trigger id as Slack puts in commands and interactions: valid for 3 s, once. */
  mintTriggerId(user?: string): string {
    return this.ws.mintTrigger(user).id;
  }

  /** A response URL (5 uses within 30 minutes); `originalTs` is the message replace/delete_original act on. */
  mintResponseUrl(opts: { channel?: string; user?: string; originalTs?: string } = {}): ResponseUrl {
    const channel = opts.channel ? this.mustChannel(opts.channel).id : undefined;
    return this.ws.mintResponseUrl(this.baseUrl, { ...opts, channel });
  }

  responseUrl(urlOrId: string): ResponseUrl | undefined {
    return this.ws.responseUrls.get(urlOrId.replace(/^.*\/response\//, ""));
  }

  /** Every POST made to any response URL, in order. */
  get responseUrlPosts() {
    return [...this.ws.responseUrls.values()]
      .flatMap((r) => r.posts.map((p) => ({ ...p, responseUrl: r.url })))
      .sort((a, b) => a.at - b.at);
  }

  /** A person posts in a channel (no event is sent; see sendAppMention for that). */
  postAsUser(input: { user: string; channel: string; text: string; threadTs?: string }): StoredMessage {
    const c = this.mustChannel(input.channel);
    if (!c.members.has(input.user))
      throw new Error(`fake-slack: ${input.user} is not in ${c.id}; Slack would refuse`);
    const msg: StoredMessage = {
      ts: this.ws.nextTs(),
      channel: c.id,
      user: input.user,
      text: input.text,
      threadTs: input.threadTs,
    };
    c.messages.push(msg);
    return msg;
  }

  /** A person (or an admin) deletes a message: it is gone from history, replies and permalinks. */
  deleteMessage(channel: string, ts: string): void {
    const c = this.mustChannel(channel);
    const at = c.messages.findIndex((m) => m.ts === ts);
    if (at < 0) throw new Error(`fake-slack: no message ${ts} in ${c.id} to delete`);
    c.messages.splice(at, 1);
    c.pins.delete(ts);
  }

  private mustChannel(idOrName: string): Conversation {
    const c = this.channel(idOrName);
    if (!c) throw new Error(`fake-slack: no channel ${idOrName}`);
    return c;
  }

  private mustUser(id: string): SlackUser {
    const u = this.ws.users.get(id);
    if (!u) throw new Error(`fake-slack: no user ${id}`);
    return u;
  }

  // --- HTTP ------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.baseUrl);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    if (url.pathname.startsWith("/api/")) return this.handleApi(req, res, url, raw);
    if (url.pathname.startsWith("/response/") && req.method === "POST")
      return this.handleResponseUrl(res, url, raw);
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }

  private violation(
    seq: number,
    method: string,
    kind: ViolationKind,
    rule: string,
    error: string,
    message: string,
    args: Record<string, unknown>,
  ): void {
    this.violations.push({ seq, at: this.env.now(), method, kind, rule, error, message, args });
  }

  private paramTable(method: string): Record<string, ParamDef> {
    const def = CATALOG[method];
    if (!def) return {};
    const specMethod = this.spec?.methods.get(method);
    if (!specMethod) return def.params;
    // With the spec on disk, its declarations are authoritative; the catalogue adds post-2020 arguments.
    const table: Record<string, ParamDef> = {};
    for (const p of specMethod.params) {
      const type = p.type === "boolean" || p.type === "integer" || p.type === "number" ? p.type : "string";
      table[p.name] = { type, required: p.required, json: def.params[p.name]?.json };
    }
    for (const [name, d] of Object.entries(def.params)) if (d.since && !table[name]) table[name] = d;
    return table;
  }

  private checkArgs(method: string, args: Record<string, unknown>, isJson: boolean, seq: number): void {
    const table = this.paramTable(method);
    const def = CATALOG[method];
    for (const [name, p] of Object.entries(table)) {
      const v = args[name];
      if (p.required && (v === undefined || v === null || v === "")) {
        const error = def?.missingArgError?.[name] ?? "invalid_arguments";
        throw new SlackApiError(
          error,
          "invalid_request",
          "missing_required_argument",
          `missing \`${name}\``,
          {
            response_metadata: { messages: [`[ERROR] missing required field: ${name}`] },
          },
        );
      }
      if (v !== undefined && v !== null && !typeOk(v, p, isJson)) {
        throw new SlackApiError(
          def?.badArgError?.[name] ?? "invalid_arguments",
          "invalid_request",
          "argument_type",
          `\`${name}\` must be ${p.type}`,
          {
            response_metadata: {
              messages: [`[ERROR] invalid type for argument: ${name} (expected ${p.type})`],
            },
          },
        );
      }
    }
    for (const name of Object.keys(args)) {
      if (!table[name]) {
        // Slack ignores unknown arguments; a typo would silently do nothing, so say so.
        this.warnings.push({ seq, method, message: `unknown argument \`${name}\` (Slack ignores it)` });
      }
    }
  }

  private async handleApi(req: IncomingMessage, res: ServerResponse, url: URL, raw: string): Promise<void> {
    const seq = ++this.seq;
    this.onApiCall?.(decodeURIComponent(url.pathname.slice("/api/".length)));
    const at = this.env.now();
    const started = performance.now();
    const method = decodeURIComponent(url.pathname.slice("/api/".length));
    const contentType = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    const isJson = contentType === "application/json";
    const args: Record<string, unknown> = Object.fromEntries(url.searchParams);
    let bodyError: SlackApiError | undefined;
    if (raw.length > 0) {
      if (contentType === "application/x-www-form-urlencoded") {
        Object.assign(args, Object.fromEntries(new URLSearchParams(raw)));
      } else if (isJson) {
        try {
          const parsed: unknown = JSON.parse(raw);
          if (isObject(parsed)) Object.assign(args, parsed);
          else
            bodyError = new SlackApiError(
              "json_not_object",
              "invalid_request",
              "body",
              "JSON body is not an object",
            );
        } catch {
          bodyError = new SlackApiError("invalid_json", "invalid_request", "body", "body is not valid JSON");
        }
      } else {
        bodyError = new SlackApiError(
          "invalid_post_type",
          "invalid_request",
          "body",
          `unsupported ${contentType}`,
        );
      }
    }
    const auth = req.headers.authorization;
    const headerToken = auth?.match(/^Bearer\s+(\S+)$/i)?.[1];
    // Slack reads a `token` argument only from form/query; JSON bodies must use the header.
    const argToken = !isJson && typeof args.token === "string" ? args.token : undefined;
    const token = headerToken ?? argToken;
    delete args.token;
    const recordedArgs = this.decodeForRecord(method, args);

    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));

    const finish = (
      status: number,
      body: Record<string, unknown>,
      headers: Record<string, string>,
      fault?: string,
    ) => {
      this.calls.push({
        seq,
        method,
        httpMethod: req.method ?? "",
        contentType,
        args: recordedArgs,
        token,
        at,
        durationMs: performance.now() - started,
        status,
        response: body,
        ...(fault ? { fault } : {}),
      });
      res.writeHead(status, { ...JSON_HEADERS, ...headers });
      res.end(JSON.stringify(body));
    };

    const def = CATALOG[method];
    const handler = HANDLERS[method];
    if (!def || !handler) {
      this.violation(
        seq,
        method,
        "invalid_request",
        "unknown_method",
        "unknown_method",
        "not a method",
        recordedArgs,
      );
      finish(200, { ok: false, error: "unknown_method", req_method: method }, {});
      return;
    }

    const fault = this.takeFault(method);
    if (fault) {
      switch (fault.type) {
        case "rate_limited":
          finish(
            429,
            { ok: false, error: "ratelimited" },
            { "retry-after": String(fault.retryAfterSec ?? 1) },
            "rate_limited",
          );
          return;
        case "http_error":
          finish(
            fault.status ?? 500,
            { ok: false, error: "fake_http_error" },
            {},
            `http_${fault.status ?? 500}`,
          );
          return;
        case "slack_error":
          finish(200, { ok: false, error: fault.error }, {}, fault.error);
          return;
        case "reset":
          this.calls.push({
            seq,
            method,
            httpMethod: req.method ?? "",
            contentType,
            args: recordedArgs,
            token,
            at,
            durationMs: performance.now() - started,
            status: 0,
            response: {},
            fault: "reset",
          });
          req.socket.destroy();
          return;
      }
    }

    const retryAfter = this.limiter?.check(
      method,
      typeof args.channel === "string" ? args.channel : undefined,
    );
    if (retryAfter !== undefined) {
      finish(429, { ok: false, error: "ratelimited" }, { "retry-after": String(retryAfter) }, "rate_limited");
      return;
    }

    const scopeHeaders = { "x-oauth-scopes": [...this.scopes].join(",") };
    try {
      if (!token)
        throw new SlackApiError("not_authed", "invalid_request", "auth", "no token (header or form)");
      if (!this.tokens.has(token))
        throw new SlackApiError("invalid_auth", "invalid_request", "auth", "unknown token");
      if (bodyError) throw bodyError;
      if (isJson && def.formOnly) {
        throw new SlackApiError(
          "invalid_post_type",
          "invalid_request",
          "json_body_not_accepted",
          `${method} takes form-encoded arguments only; Slack ignores a JSON body here`,
        );
      }
      this.checkArgs(method, args, isJson, seq);
      const body = handler(args, {
        ...this.env,
        warn: (message) => this.warnings.push({ seq, method, message }),
      });
      finish(200, { ok: true, ...body }, scopeHeaders);
    } catch (err) {
      if (!(err instanceof SlackApiError)) throw err;
      this.violation(seq, method, err.kind, err.rule, err.error, err.message, recordedArgs);
      const headers: Record<string, string> = token && this.tokens.has(token) ? { ...scopeHeaders } : {};
      if (typeof err.extra.needed === "string") headers["x-accepted-oauth-scopes"] = err.extra.needed;
      finish(200, { ok: false, error: err.error, ...err.extra }, headers);
    }
  }

  private decodeForRecord(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...args };
    const params = CATALOG[method]?.params ?? {};
    for (const [name, p] of Object.entries(params)) {
      const v = out[name];
      if (p.json && typeof v === "string") {
        try {
          out[name] = JSON.parse(v);
        } catch {
          // Leave it as sent; the handler answers the format error.
        }
      }
    }
    return out;
  }

  private takeFault(method: string): Fault | undefined {
    for (const key of [method, "*"]) {
      const queue = this.faults.get(key);
      if (queue?.length) return queue.shift();
    }
    return undefined;
  }

  // --- response URLs ---------------------------------------------------------------------------------------

  private async handleResponseUrl(res: ServerResponse, url: URL, raw: string): Promise<void> {
    const seq = ++this.seq;
    const r = this.ws.responseUrls.get(url.pathname.slice("/response/".length));
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const reply = (status: number, response: Record<string, unknown>, body: unknown) => {
      r?.posts.push({ at: this.env.now(), body, status, response });
      if (!response.ok) {
        this.violation(
          seq,
          "response_url",
          "response_url",
          String(response.error),
          String(response.error),
          url.pathname,
          {
            body,
          },
        );
      }
      res.writeHead(status, JSON_HEADERS).end(JSON.stringify(response));
    };
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return reply(400, { ok: false, error: "invalid_payload" }, raw);
    }
    if (!r) return reply(404, { ok: false, error: "invalid_url" }, body);
    if (this.env.now() - r.mintedAt > (this.options.responseUrlTtlMs ?? 30 * 60_000)) {
      return reply(404, { ok: false, error: "expired_url" }, body);
    }
    if (r.posts.filter((p) => p.status === 200).length >= (this.options.responseUrlMaxUses ?? 5)) {
      return reply(404, { ok: false, error: "used_url" }, body);
    }
    if (!isObject(body)) return reply(400, { ok: false, error: "invalid_payload" }, body);
    const channel = r.channel ? this.ws.conversations.get(r.channel) : undefined;
    const original = channel && r.originalTs ? this.ws.findMessage(channel, r.originalTs) : undefined;
    if (body.delete_original === true || body.delete_original === "true") {
      if (channel && original) channel.messages.splice(channel.messages.indexOf(original), 1);
      return reply(200, { ok: true }, body);
    }
    let blocks: unknown[] | undefined;
    try {
      blocks = messageBlocks({ blocks: body.blocks });
    } catch (err) {
      if (!(err instanceof SlackApiError)) throw err;
      return reply(400, { ok: false, error: err.error, ...err.extra }, body);
    }
    const text = typeof body.text === "string" ? body.text : "";
    if (!text && !blocks?.length) return reply(400, { ok: false, error: "no_text" }, body);
    const replace = body.replace_original === true || body.replace_original === "true";
    if (replace && original) {
      original.text = text;
      original.blocks = blocks;
      original.edited = { user: this.botUserId, ts: this.ws.nextTs() };
    } else if (body.response_type === "in_channel" && channel) {
      channel.messages.push({
        ts: this.ws.nextTs(),
        channel: channel.id,
        user: this.botUserId,
        botId: this.ws.identity.botId,
        text,
        blocks,
        threadTs: typeof body.thread_ts === "string" ? body.thread_ts : undefined,
      });
    } else if (channel && r.user) {
      this.ws.ephemerals.push({
        channel: channel.id,
        user: r.user,
        messageTs: this.ws.nextTs(),
        text,
        blocks,
        via: "response_url",
      });
    }
    return reply(200, { ok: true }, body);
  }

  // --- requests to the app ---------------------------------------------------------------------------------

  private async send(
    kind: DeliveryKind,
    payload: Record<string, unknown>,
    rawBody: string,
    contentType: string,
    opts: DeliveryOptions,
  ): Promise<Delivery> {
    const url = opts.url ?? this.botUrl;
    if (!url) throw new Error("fake-slack: no botUrl (set it in options, on the fake, or per delivery)");
    const d = await deliver(
      kind,
      payload,
      rawBody,
      contentType,
      { url, signingSecret: this.signingSecret, now: this.env.now },
      opts,
    );
    this.deliveries.push(d);
    const deadline = this.options.ackDeadlineMs ?? 3000;
    if (d.signature === "valid" && d.elapsedMs > deadline) {
      this.violation(
        ++this.seq,
        `deliver:${kind}`,
        "deadline",
        "late_ack",
        "operation_timeout",
        `the app answered after ${Math.round(d.elapsedMs)} ms; Slack gives up at ${deadline} ms`,
        payload,
      );
    }
    return d;
  }

  private userObject(id: string) {
    const u = this.mustUser(id);
    return { id: u.id, username: u.name, name: u.name, team_id: this.teamId };
  }

  private escapeCommandText(text: string): string {
    return text
      .replace(/(^|\s)@([a-z0-9._-]+)/g, (m, pre: string, name: string) => {
        const u = [...this.ws.users.values()].find((x) => x.name === name);
        return u ? `${pre}<@${u.id}|${u.name}>` : m;
      })
      .replace(/(^|\s)#([a-z0-9_-]+)/g, (m, pre: string, name: string) => {
        const c = this.ws.byName(name);
        return c ? `${pre}<#${c.id}|${c.name}>` : m;
      });
  }

  /** Slack's POST for `/incident …`: form fields per PLATFORMS.md §1.6, with a fresh response_url and trigger. */
  async sendSlashCommand(
    input: SlashCommandInput = {},
    opts: DeliveryOptions = {},
  ): Promise<SlashCommandDelivery> {
    const user = this.mustUser(input.user ?? "U0ALICE");
    const c = this.mustChannel(input.channel ?? "general");
    const responseUrl = this.ws.mintResponseUrl(this.baseUrl, { channel: c.id, user: user.id });
    const triggerId = this.ws.mintTrigger(user.id).id;
    const text = input.escape === false ? (input.text ?? "") : this.escapeCommandText(input.text ?? "");
    const fields: Record<string, string> = {
      token: this.verificationToken,
      team_id: this.teamId,
      team_domain: this.ws.identity.teamDomain,
      channel_id: c.id,
      channel_name: c.type === "im" ? "directmessage" : c.type === "private" ? "privategroup" : c.name,
      user_id: user.id,
      user_name: user.name,
      command: input.command ?? "/incident",
      text,
      api_app_id: this.ws.identity.appId,
      is_enterprise_install: "false",
      response_url: responseUrl.url,
      trigger_id: triggerId,
    };
    const d = await this.send(
      "slash_command",
      fields,
      formBody(fields),
      "application/x-www-form-urlencoded",
      opts,
    );
    return { ...d, responseUrl, triggerId };
  }

  /** A person clicks/selects `actionId` on a message the bot posted (or in an open modal). */
  async sendBlockAction(input: BlockActionInput, opts: DeliveryOptions = {}): Promise<InteractionDelivery> {
    const actionTs = this.ws.nextTs();
    const team = { id: this.teamId, domain: this.ws.identity.teamDomain };
    let userId = input.user ?? "U0ALICE";
    let blocks: unknown[];
    let extra: Record<string, unknown>;
    let responseUrl: ResponseUrl | undefined;
    if ("viewId" in input) {
      const v = this.ws.views.get(input.viewId);
      if (!v) throw new Error(`fake-slack: no view ${input.viewId}`);
      userId = input.user ?? v.user ?? userId;
      blocks = (v.view.blocks as unknown[]) ?? [];
      extra = { container: { type: "view", view_id: v.id }, view: v.view };
    } else {
      const c = this.mustChannel(input.channel);
      const msg = this.ws.findMessage(c, input.messageTs);
      const eph = this.ws.ephemerals.find((e) => e.channel === c.id && e.messageTs === input.messageTs);
      if (!msg && !eph) throw new Error(`fake-slack: no message ${input.messageTs} in ${c.id} to act on`);
      blocks = (msg?.blocks ?? eph?.blocks ?? []) as unknown[];
      responseUrl = this.ws.mintResponseUrl(this.baseUrl, {
        channel: c.id,
        user: userId,
        originalTs: msg?.ts,
      });
      extra = {
        container: { type: "message", message_ts: input.messageTs, channel_id: c.id, is_ephemeral: !msg },
        channel: { id: c.id, name: c.type === "im" ? "directmessage" : c.name },
        ...(msg ? { message: this.ws.messageJson(msg) } : {}),
        response_url: responseUrl.url,
      };
    }
    const found = [...interactiveElements(blocks)].find((e) => e.element.action_id === input.actionId);
    if (!found)
      throw new Error(`fake-slack: no element with action_id ${input.actionId}; the app did not render it`);
    const triggerId = this.ws.mintTrigger(userId).id;
    const payload: Record<string, unknown> = {
      type: "block_actions",
      user: this.userObject(userId),
      api_app_id: this.ws.identity.appId,
      token: this.verificationToken,
      trigger_id: triggerId,
      team,
      enterprise: null,
      is_enterprise_install: false,
      state: { values: {} },
      ...extra,
      actions: [actionFor(found.element, found.blockId, input.value, actionTs)],
    };
    const d = await this.send(
      "block_actions",
      payload,
      interactionBody(payload),
      "application/x-www-form-urlencoded",
      opts,
    );
    return { ...d, responseUrl, triggerId };
  }

  /**
   * A person submits an open modal. Like Slack's client, refuses to submit when a required input is empty, and
   * reports every input block in `state.values` (empty optional ones as null).
   */
  async sendViewSubmission(
    input: ViewSubmissionInput,
    opts: DeliveryOptions = {},
  ): Promise<InteractionDelivery> {
    const v = this.ws.views.get(input.viewId);
    if (!v) throw new Error(`fake-slack: no view ${input.viewId}`);
    const userId = input.user ?? v.user ?? "U0ALICE";
    const given = input.values ?? {};
    const values: Record<string, Record<string, unknown>> = {};
    const blocks = (v.view.blocks as Record<string, unknown>[]) ?? [];
    for (const b of blocks) {
      if (b.type !== "input" || !isObject(b.element)) continue;
      const blockId = String(b.block_id);
      const value = given[blockId];
      const empty =
        value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length);
      if (empty && b.optional !== true) {
        throw new Error(`fake-slack: input ${blockId} is required; Slack's client would not submit`);
      }
      values[blockId] = {
        [String(b.element.action_id)]: stateValueFor(b.element, empty ? undefined : value),
      };
    }
    for (const key of Object.keys(given)) {
      if (!values[key]) throw new Error(`fake-slack: view ${v.id} has no input block ${key}`);
    }
    const triggerId = this.ws.mintTrigger(userId).id;
    const payload: Record<string, unknown> = {
      type: "view_submission",
      team: { id: this.teamId, domain: this.ws.identity.teamDomain },
      user: this.userObject(userId),
      api_app_id: this.ws.identity.appId,
      token: this.verificationToken,
      trigger_id: triggerId,
      view: { ...v.view, state: { values } },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const d = await this.send(
      "view_submission",
      payload,
      interactionBody(payload),
      "application/x-www-form-urlencoded",
      opts,
    );
    return { ...d, responseUrl: undefined, triggerId };
  }

  /** Wraps `event` in an `event_callback` envelope and delivers it (JSON, signed). */
  async sendEvent(
    event: Record<string, unknown> & { type: string },
    opts: DeliveryOptions & { eventId?: string } = {},
  ): Promise<EventDelivery> {
    const eventTs = typeof event.event_ts === "string" ? event.event_ts : this.ws.nextTs();
    const envelope: Record<string, unknown> = {
      token: this.verificationToken,
      team_id: this.teamId,
      api_app_id: this.ws.identity.appId,
      event: { ...event, event_ts: eventTs },
      type: "event_callback",
      event_id: opts.eventId ?? `Ev${randomBytes(5).toString("hex").toUpperCase()}`,
      event_time: Math.floor(Number(eventTs)),
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.teamId,
          user_id: this.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      authed_users: [this.botUserId],
      is_ext_shared_channel: false,
      event_context: `4-${randomBytes(12).toString("base64url")}`,
    };
    return this.redeliverEvent(envelope, opts);
  }

  /** Sends an envelope again, e.g. with `{retryNum: 1, retryReason: "http_timeout"}` as Slack's retries do. */
  async redeliverEvent(
    envelope: Record<string, unknown>,
    opts: DeliveryOptions = {},
  ): Promise<EventDelivery> {
    const d = await this.send("event_callback", envelope, JSON.stringify(envelope), "application/json", opts);
    return { ...d, envelope };
  }

  private requireBotIn(channel: string, what: string): Conversation {
    const c = this.mustChannel(channel);
    if (!c.members.has(this.botUserId)) {
      throw new Error(
        `fake-slack: Slack sends ${what} only for conversations the bot is in; it is not in ${c.id}`,
      );
    }
    return c;
  }

  /** A person writes `text` (which should contain `<@U0FIREBRK>`) in a channel the bot is in. */
  async sendAppMention(
    input: { user?: string; channel: string; text: string; threadTs?: string },
    opts: DeliveryOptions = {},
  ): Promise<EventDelivery & { message: StoredMessage }> {
    const c = this.requireBotIn(input.channel, "app_mention");
    const user = input.user ?? "U0ALICE";
    const message = this.postAsUser({ user, channel: c.id, text: input.text, threadTs: input.threadTs });
    const d = await this.sendEvent(
      {
        type: "app_mention",
        user,
        text: input.text,
        ts: message.ts,
        channel: c.id,
        event_ts: message.ts,
        team: this.teamId,
        client_msg_id: randomBytes(16).toString("hex"),
        ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
      },
      opts,
    );
    return { ...d, message };
  }

  async sendReactionAdded(
    input: { user?: string; channel: string; ts: string; reaction: string },
    opts: DeliveryOptions = {},
  ): Promise<EventDelivery> {
    const c = this.requireBotIn(input.channel, "reaction_added");
    const msg = this.ws.findMessage(c, input.ts);
    if (!msg) throw new Error(`fake-slack: no message ${input.ts} in ${c.id} to react to`);
    return this.sendEvent(
      {
        type: "reaction_added",
        user: input.user ?? "U0ALICE",
        reaction: input.reaction,
        item_user: msg.user,
        item: { type: "message", channel: c.id, ts: msg.ts },
      },
      opts,
    );
  }

  /** A person joins (or is added to) a channel the bot is in; membership is updated first. */
  async sendMemberJoined(
    input: { user: string; channel: string; inviter?: string },
    opts: DeliveryOptions = {},
  ): Promise<EventDelivery> {
    const c = this.requireBotIn(input.channel, "member_joined_channel");
    this.mustUser(input.user);
    c.members.add(input.user);
    return this.sendEvent(
      {
        type: "member_joined_channel",
        user: input.user,
        channel: c.id,
        channel_type: c.type === "private" ? "G" : "C",
        team: this.teamId,
        ...(input.inviter ? { inviter: input.inviter } : {}),
      },
      opts,
    );
  }

  /** The one-off check Slack makes when a Request URL is saved; the app must echo the challenge. */
  async sendUrlVerification(challenge = randomBytes(16).toString("hex"), opts: DeliveryOptions = {}) {
    const body = { token: this.verificationToken, challenge, type: "url_verification" };
    return this.send("url_verification", body, JSON.stringify(body), "application/json", opts);
  }
}

/** Starts a fake Slack on 127.0.0.1 and a random port. Remember `await fake.close()`. */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  return new FakeSlack(options).listen();
}
