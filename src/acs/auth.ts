import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface AcsAuthConfig {
  scheme: 'basic' | 'digest';
  username: string;
  password: string;
}

/** A username and password a request is checked against. */
export interface Credentials {
  username: string;
  password: string;
}

export type AuthOutcome =
  | { ok: true }
  /** `wrongCredentials` is false for the normal first challenge and for a stale digest nonce. */
  | { ok: false; challenge: string; wrongCredentials: boolean };

/** Checks the Authorization header of a request that opens a session. */
export interface Authenticator {
  check(req: IncomingMessage): AuthOutcome;
}

export const AUTH_REALM = 'cpesim';

/** For check() without configured credentials: a NUL username and password, which no client sends. */
const NO_CREDENTIALS: Credentials = Object.freeze({ username: '\u0000', password: '\u0000' });

export function createAuthenticator(config: AcsAuthConfig): Authenticator {
  return config.scheme === 'basic' ? new BasicAuthenticator(config) : new DigestAuthenticator(config);
}

/** Constant-time string comparison (hashing first makes the lengths equal). */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export class BasicAuthenticator implements Authenticator {
  private readonly challenge: string;

  /**
   * `realm` defaults to AUTH_REALM. Without `config` only verify() (credentials per request, the CPEs'
   * connection-request listener) can succeed.
   */
  constructor(
    private readonly config: Credentials | undefined,
    realm: string = AUTH_REALM,
  ) {
    this.challenge = `Basic realm="${realm}", charset="UTF-8"`;
  }

  check(req: IncomingMessage): AuthOutcome {
    return this.verify(req, this.config ?? NO_CREDENTIALS);
  }

  /** Checks against `credentials` instead of the configured ones (one authenticator for many CPEs). */
  verify(req: IncomingMessage, credentials: Credentials): AuthOutcome {
    const header = req.headers.authorization;
    if (!header) return { ok: false, challenge: this.challenge, wrongCredentials: false };
    const match = /^Basic\s+(\S+)\s*$/i.exec(header);
    const given = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : undefined;
    if (given !== undefined && sameSecret(given, `${credentials.username}:${credentials.password}`)) return { ok: true };
    return { ok: false, challenge: this.challenge, wrongCredentials: true };
  }
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** `key=value` / `key="quoted value"` pairs of a Digest Authorization header. */
export function parseDigestParams(header: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let m = re.exec(header); m; m = re.exec(header)) {
    params.set(m[1]!.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!);
  }
  return params;
}

/**
 * HTTP Digest (RFC 7616 subset: MD5, qop=auth). Nonces are stateless: "<issue time>.<HMAC(issue time)>",
 * so any number of CPEs can authenticate without a nonce table; a nonce older than `nonceLifetimeMs`
 * gets a `stale=true` challenge. Nonce-count replay is not tracked (a test peer, not a security boundary).
 */
export class DigestAuthenticator implements Authenticator {
  private readonly secret = randomBytes(32);
  private readonly opaque = randomBytes(16).toString('hex');

  /**
   * `realm` defaults to AUTH_REALM. Without `config` only verify() (credentials per request, the CPEs'
   * connection-request listener) can succeed.
   */
  constructor(
    private readonly config: Credentials | undefined,
    private readonly nonceLifetimeMs = 300_000,
    private readonly now: () => number = Date.now,
    private readonly realm: string = AUTH_REALM,
  ) {}

  check(req: IncomingMessage): AuthOutcome {
    return this.verify(req, this.config ?? NO_CREDENTIALS);
  }

  /**
   * Checks against `credentials` instead of the configured ones: one authenticator (one nonce secret) serves
   * many CPEs, each with its own ConnectionRequestUsername/Password.
   */
  verify(req: IncomingMessage, credentials: Credentials): AuthOutcome {
    const header = req.headers.authorization;
    if (!header) return this.refuse(false, false);
    if (!/^Digest\s/i.test(header)) return this.refuse(true, false);
    const p = parseDigestParams(header.slice(7));
    const nonce = p.get('nonce') ?? '';
    const nonceAge = this.nonceAge(nonce);
    const wellFormed =
      p.get('username') === credentials.username &&
      p.get('realm') === this.realm &&
      p.get('uri') === req.url &&
      p.get('qop') === 'auth' &&
      p.get('opaque') === this.opaque &&
      (p.get('algorithm') ?? 'MD5').toUpperCase() === 'MD5' &&
      /^[0-9a-fA-F]{8}$/.test(p.get('nc') ?? '') &&
      (p.get('cnonce') ?? '') !== '' &&
      nonceAge !== undefined;
    if (!wellFormed) return this.refuse(true, false);
    const ha2 = md5(`${req.method}:${p.get('uri')}`);
    const ha1 = md5(`${credentials.username}:${this.realm}:${credentials.password}`);
    const expected = md5(`${ha1}:${nonce}:${p.get('nc')}:${p.get('cnonce')}:auth:${ha2}`);
    if (!sameSecret(p.get('response') ?? '', expected)) return this.refuse(true, false);
    // Right credentials on an expired nonce: ask the client to retry with a fresh one (not a failure).
    if (nonceAge > this.nonceLifetimeMs) return this.refuse(false, true);
    return { ok: true };
  }

  private refuse(wrongCredentials: boolean, stale: boolean): AuthOutcome {
    const challenge =
      `Digest realm="${this.realm}", qop="auth", algorithm=MD5, nonce="${this.issueNonce()}", ` +
      `opaque="${this.opaque}"${stale ? ', stale=true' : ''}`;
    return { ok: false, challenge, wrongCredentials };
  }

  private issueNonce(): string {
    const issued = this.now().toString(36);
    return `${issued}.${this.sign(issued)}`;
  }

  private sign(issued: string): string {
    return createHmac('sha256', this.secret).update(issued).digest('base64url');
  }

  /** Milliseconds since the nonce was issued; undefined when this ACS did not issue it. */
  private nonceAge(nonce: string): number | undefined {
    const dot = nonce.indexOf('.');
    if (dot <= 0) return undefined;
    const issued = nonce.slice(0, dot);
    if (!sameSecret(nonce.slice(dot + 1), this.sign(issued))) return undefined;
    return this.now() - parseInt(issued, 36);
  }
}
