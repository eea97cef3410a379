// The WebSocket at GET /api/v4/websocket, modelled on app/platform (web_conn.go, web_hub.go, websocket_router.go):
//
// - Authentication: a token on the upgrade request (`Authorization: Bearer|Token`, or `?access_token=`), or the
//   `authentication_challenge` action WebSocketClient sends on open. A bad token in the challenge closes the socket;
//   a second challenge on an authenticated socket is ignored without a reply.
// - `hello` (seq 0, carrying `connection_id`) starts every fresh connection. Events then carry `seq` 1, 2, ...
// - Reliable websockets: each connection id keeps the last 128 events it was sent and queues (up to 256) the ones
//   broadcast while its socket is gone; beyond that the server forgets the connection. A client that comes back
//   with `?connection_id=<id>&sequence_number=<n>` gets every event from `n` replayed, without a new hello. As in
//   the server, this resume happens only when the upgrade request itself is authenticated: with challenge-only authentication the session is unknown at upgrade time,
//   so the server hands out a new connection id (hello with a different id: the client's missed-message listeners
//   fire and events sent meanwhile are lost). A sequence number the buffer no longer holds also means a new id.
// - `ping` is answered `{status:"OK", seq_reply, data:{text:"pong",...}}`.

import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { OutgoingEvent } from "./events.js";
import { newId } from "./ids.js";
import { SERVER_VERSION } from "./json.js";

export const WEBSOCKET_PATH = "/api/v4/websocket";
/** `deadQueueSize` in web_conn.go. */
export const REPLAY_BUFFER_SIZE = 128;
/** `sendQueueSize` in web_conn.go: a connection away longer than this many events is dropped from the hub. */
export const SEND_QUEUE_SIZE = 256;

interface Session {
  connectionId: string;
  userId: string;
  /** The seq the next event gets. */
  nextSeq: number;
  /** Events already numbered, oldest first, at most REPLAY_BUFFER_SIZE plus those queued while away. */
  sent: Array<{ seq: number; frame: string }>;
  socket: WebSocket | undefined;
}

interface Live {
  socket: WebSocket;
  session: Session | undefined;
}

export interface WebSocketHubOptions {
  /** The user a token belongs to, or undefined when it is not valid. */
  userForToken(token: string): string | undefined;
  now(): number;
}

export class WebSocketHub {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly live = new Set<Live>();

  constructor(private readonly options: WebSocketHubOptions) {}

  /** Routes upgrades of WEBSOCKET_PATH on `http` here; any other upgrade is refused. */
  attach(http: Server): void {
    http.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? "/", "http://fake");
      if (url.pathname.replace(/\/$/, "") !== WEBSOCKET_PATH) {
        socket.destroy();
        return;
      }
      this.server.handleUpgrade(req, socket, head, (ws) => this.connected(ws, req, url));
    });
  }

  /** Live sockets that have authenticated. */
  count(): number {
    return [...this.live].filter((l) => l.session).length;
  }

  /** Abruptly closes every socket (a network drop). `forget` also discards the sessions, like a server restart. */
  drop(options: { forget?: boolean } = {}): void {
    for (const l of [...this.live]) l.socket.terminate();
    this.live.clear();
    for (const s of this.sessions.values()) s.socket = undefined;
    if (options.forget) this.sessions.clear();
  }

  /** Numbers and sends (or queues, for a session whose socket is gone) the event for every session it concerns. */
  broadcast(event: OutgoingEvent): void {
    for (const session of this.sessions.values()) {
      const data = event.dataFor(session.userId);
      if (data) this.deliver(session, { event: event.event, data, broadcast: event.broadcast });
    }
  }

  async close(): Promise<void> {
    this.drop({ forget: true });
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- connection life -------------------------------------------------------------------------------------

  private connected(socket: WebSocket, req: IncomingMessage, url: URL): void {
    const live: Live = { socket, session: undefined };
    this.live.add(live);
    socket.on("close", () => {
      this.live.delete(live);
      if (live.session?.socket === socket) live.session.socket = undefined;
    });
    socket.on("error", () => socket.terminate());
    socket.on("message", (raw) => this.onMessage(live, raw.toString()));

    const token = upgradeToken(req, url);
    const userId = token ? this.options.userForToken(token) : undefined;
    if (!userId) return; // wait for the authentication challenge
    const connectionId = url.searchParams.get("connection_id") ?? "";
    const known = connectionId ? this.sessions.get(connectionId) : undefined;
    if (!known || known.userId !== userId) {
      this.start(live, userId);
      return;
    }
    const seq = Number(url.searchParams.get("sequence_number") ?? "");
    if (!Number.isInteger(seq) || seq < 0) {
      // PopulateWebConnConfig refuses a connection id without a valid sequence number.
      socket.terminate();
      return;
    }
    this.resume(live, known, seq);
  }

  private start(live: Live, userId: string): Session {
    const session: Session = { connectionId: newId(), userId, nextSeq: 0, sent: [], socket: live.socket };
    this.sessions.set(session.connectionId, session);
    live.session = session;
    this.sendHello(session);
    return session;
  }

  private resume(live: Live, session: Session, seq: number): void {
    session.socket?.terminate();
    session.socket = live.socket;
    live.session = session;
    const from = session.sent.findIndex((e) => e.seq === seq);
    if (seq > 0 && from >= 0) {
      for (const e of session.sent.slice(from)) live.socket.send(e.frame);
    } else if (seq === 0 || seq !== session.nextSeq) {
      // Lost: the events the client wants are gone. A new id and a new hello make it resynchronise.
      this.sessions.delete(session.connectionId);
      session.connectionId = newId();
      session.nextSeq = 0;
      session.sent = [];
      this.sessions.set(session.connectionId, session);
      this.sendHello(session);
    }
    // Otherwise the client saw everything (a lossless reconnect): nothing to send.
  }

  private sendHello(session: Session): void {
    this.deliver(session, {
      event: "hello",
      data: {
        server_version: `${SERVER_VERSION}.${SERVER_VERSION}.fake.false`,
        connection_id: session.connectionId,
        server_hostname: "fake-mattermost",
      },
      broadcast: {
        omit_users: null,
        user_id: session.userId,
        channel_id: "",
        team_id: "",
        connection_id: "",
        omit_connection_id: "",
      },
    });
  }

  private deliver(session: Session, message: Record<string, unknown>): void {
    const seq = session.nextSeq++;
    const frame = JSON.stringify({ ...message, seq });
    session.sent.push({ seq, frame });
    // Keep what a reconnect may still ask for: the last REPLAY_BUFFER_SIZE sent, plus whatever queued while away;
    // a queue that overflows while away ends the session, as the hub removes a connection whose queue is full.
    while (session.socket && session.sent.length > REPLAY_BUFFER_SIZE) session.sent.shift();
    if (!session.socket && session.sent.length > REPLAY_BUFFER_SIZE + SEND_QUEUE_SIZE) {
      this.sessions.delete(session.connectionId);
    }
    if (session.socket?.readyState === 1) session.socket.send(frame);
  }

  // --- actions from the client -----------------------------------------------------------------------------

  private onMessage(live: Live, raw: string) {
    let req: { seq?: unknown; action?: unknown; data?: unknown };
    try {
      req = JSON.parse(raw);
    } catch {
      live.socket.terminate(); // the server's decoder fails and the read pump ends
      return;
    }
    const seq = typeof req.seq === "number" ? req.seq : 0;
    const reply = (status: "OK" | "FAIL", extra: Record<string, unknown> = {}) =>
      live.socket.send(JSON.stringify({ status, seq_reply: seq, ...extra }));
    const fail = (id: string, statusCode: number) =>
      reply("FAIL", {
        error: { id, message: id, detailed_error: "", request_id: "", status_code: statusCode },
      });
    if (!req.action) return fail("api.web_socket_router.no_action.app_error", 400);
    if (seq <= 0) return fail("api.web_socket_router.bad_seq.app_error", 400);
    if (req.action === "authentication_challenge") {
      if (live.session) return; // already authenticated: ignored, no reply
      const data = req.data as { token?: unknown } | undefined;
      const userId = typeof data?.token === "string" ? this.options.userForToken(data.token) : undefined;
      if (!userId) {
        live.socket.terminate();
        return;
      }
      // Challenge authentication always starts a fresh connection (the upgrade carried no session).
      this.start(live, userId);
      return reply("OK");
    }
    if (!live.session) return fail("api.web_socket_router.not_authenticated.app_error", 401);
    switch (req.action) {
      case "ping":
        return reply("OK", {
          data: { text: "pong", version: SERVER_VERSION, server_time: this.options.now(), node_id: "" },
        });
      case "user_typing":
      case "presence":
        return reply("OK");
      default:
        return fail("api.web_socket_router.bad_action.app_error", 500);
    }
  }
}

function upgradeToken(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization?.match(/^(?:bearer|token)\s+(\S+)$/i)?.[1];
  return header ?? url.searchParams.get("access_token") ?? undefined;
}
