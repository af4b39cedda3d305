import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { CwmpVersion } from '../cwmp/messages.js';
import type { PendingRpc } from './rpc-queue.js';

export const SESSION_COOKIE = 'cwmpsession';

/** Why a session ended: `completed` is the orderly 204; everything else is a drop. */
export type SessionEndReason = 'completed' | 'timeout' | 'connectionLost' | 'superseded' | 'serverClosed';

/** An ACS request sent in a session whose answer has not arrived yet. */
export interface InFlightRpc extends PendingRpc {
  /** The cwmp:ID the answer must echo. */
  readonly id: string;
}

/** One CWMP session: from the InformResponse to the 204 that closes it. */
export class AcsSession {
  /**
   * The CPE continued this session without the cookie (found by its socket): it cannot resume the session
   * on another connection, so the session ends with its connection.
   */
  cookieless = false;
  awaiting: InFlightRpc | undefined;
  /** @internal idle timer, owned by the SessionStore */
  timer: NodeJS.Timeout | undefined;

  constructor(
    readonly cookie: string,
    readonly deviceKey: string,
    readonly cwmpVersion: CwmpVersion,
  ) {}
}

/**
 * Open sessions, found by cookie or, for CPEs that do not keep cookies, by their keep-alive socket.
 * Sessions idle longer than `idleTimeoutMs` are dropped; so are sessions of CPEs known to keep no cookies
 * when their socket closes (nothing can continue them). A CPE that keeps cookies may switch connections.
 */
export class SessionStore {
  private readonly byCookie = new Map<string, AcsSession>();
  private readonly bySocket = new WeakMap<Socket, AcsSession>();
  private readonly watchedSockets = new WeakSet<Socket>();

  constructor(
    private readonly idleTimeoutMs: number,
    private readonly onEnd: (session: AcsSession, reason: SessionEndReason) => void,
  ) {}

  get size(): number {
    return this.byCookie.size;
  }

  /** The session a request belongs to. `cookie` is the value of the request's session cookie, if any. */
  find(cookie: string | undefined, socket: Socket): AcsSession | undefined {
    const byCookie = cookie === undefined ? undefined : this.byCookie.get(cookie);
    if (byCookie) {
      this.bind(byCookie, socket);
      return byCookie;
    }
    const bySocket = this.bySocket.get(socket);
    if (!bySocket || !this.isOpen(bySocket)) return undefined;
    if (cookie === undefined) bySocket.cookieless = true;
    return bySocket;
  }

  open(deviceKey: string, cwmpVersion: CwmpVersion, socket: Socket): AcsSession {
    const session = new AcsSession(randomBytes(16).toString('hex'), deviceKey, cwmpVersion);
    session.timer = setTimeout(() => this.end(session, 'timeout'), this.idleTimeoutMs).unref();
    this.byCookie.set(session.cookie, session);
    this.bind(session, socket);
    return session;
  }

  /** Restarts the idle timer: the CPE just spoke. */
  touch(session: AcsSession): void {
    session.timer?.refresh();
  }

  end(session: AcsSession, reason: SessionEndReason): void {
    if (!this.isOpen(session)) return;
    this.byCookie.delete(session.cookie);
    clearTimeout(session.timer);
    this.onEnd(session, reason);
  }

  endAll(reason: SessionEndReason): void {
    for (const session of [...this.byCookie.values()]) this.end(session, reason);
  }

  private isOpen(session: AcsSession): boolean {
    return this.byCookie.get(session.cookie) === session;
  }

  private bind(session: AcsSession, socket: Socket): void {
    this.bySocket.set(socket, session);
    if (this.watchedSockets.has(socket)) return;
    this.watchedSockets.add(socket);
    // One listener per socket (not per session): a keep-alive socket carries many sessions in turn.
    socket.once('close', () => {
      const current = this.bySocket.get(socket);
      if (current && this.isOpen(current) && current.cookieless) this.end(current, 'connectionLost');
    });
  }
}
