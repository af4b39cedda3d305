import { createHash, randomBytes } from 'node:crypto';

/** One challenge of a WWW-Authenticate header: its scheme (lower-case) and auth-params (lower-case names). */
export interface AuthChallenge {
  scheme: string;
  params: Map<string, string>;
}

/**
 * Parses a WWW-Authenticate header (one or several lines, each possibly holding several challenges,
 * RFC 9110 §11.6.1), e.g. `Digest realm="acs", qop="auth,auth-int", nonce="..", Basic realm="acs"`.
 */
export function parseChallenges(header: string | string[] | undefined): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  if (header === undefined) return out;
  for (const line of Array.isArray(header) ? header : [header]) parseLine(line, out);
  return out;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;

function parseLine(line: string, out: AuthChallenge[]): void {
  let i = 0;
  let current: AuthChallenge | undefined;
  const n = line.length;
  while (i < n) {
    while (i < n && (line[i] === ' ' || line[i] === '\t' || line[i] === ',')) i++;
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(line);
    if (!m) return; // garbage: keep what was understood so far
    const token = m[0];
    i = TOKEN.lastIndex;
    let j = i;
    while (j < n && (line[j] === ' ' || line[j] === '\t')) j++;
    if (line[j] === '=' && current !== undefined && !isToken68Tail(line, j)) {
      // auth-param: name = token / quoted-string
      j++;
      while (j < n && (line[j] === ' ' || line[j] === '\t')) j++;
      let value: string;
      if (line[j] === '"') {
        value = '';
        j++;
        while (j < n && line[j] !== '"') {
          if (line[j] === '\\' && j + 1 < n) j++;
          value += line[j];
          j++;
        }
        j++; // closing quote
      } else {
        const start = j;
        while (j < n && line[j] !== ',' && line[j] !== ' ' && line[j] !== '\t') j++;
        value = line.slice(start, j);
      }
      current.params.set(token.toLowerCase(), value);
      i = j;
    } else {
      current = { scheme: token.toLowerCase(), params: new Map() };
      out.push(current);
    }
  }
}

/** `=` directly followed by `=`/end/comma is token68 padding (e.g. `Negotiate abc==`), not an auth-param. */
function isToken68Tail(line: string, eqIndex: number): boolean {
  const next = line[eqIndex + 1];
  return next === '=' || next === undefined || next === ',';
}

/** Digest algorithms we can compute, by their RFC 7616 name, mapped to node:crypto hash names. */
const DIGEST_HASHES: Readonly<Record<string, string>> = {
  'MD5': 'md5',
  'MD5-SESS': 'md5',
  'SHA-256': 'sha256',
  'SHA-256-SESS': 'sha256',
  'SHA-512-256': 'sha512-256',
  'SHA-512-256-SESS': 'sha512-256',
};

/** Preference when the server offers several Digest challenges (RFC 7616 §3.7: strongest first). */
const ALGORITHM_RANK: Readonly<Record<string, number>> = { 'SHA-512-256': 3, 'SHA-256': 2, 'MD5': 1 };

interface DigestState {
  realm: string;
  nonce: string;
  opaque: string | undefined;
  /** As the server spelt it, echoed in the Authorization header. */
  algorithm: string;
  hash: string;
  session: boolean;
  /** 'auth', or undefined for an RFC 2069 server offering no qop. */
  qop: 'auth' | undefined;
  cnonce: string;
  nc: number;
  /** H(A1), fixed for one nonce (and cnonce for -sess). */
  ha1: string;
}

function h(hash: string, text: string): string {
  return createHash(hash).update(text, 'utf8').digest('hex');
}

/**
 * HTTP authentication state of one CWMP session: Basic or Digest (RFC 7616/2617, qop=auth, MD5 and
 * SHA-256, nc counting, cnonce, opaque, stale=true re-challenge). After the first challenge every
 * later request of the session carries credentials (TR-069 §3.4.4), digest ones with nc counting up.
 */
export class HttpAuthenticator {
  private readonly username: string;
  private readonly password: string;
  private basic: string | undefined;
  private digest: DigestState | undefined;

  constructor(username: string, password: string) {
    this.username = username;
    this.password = password;
  }

  /** The Authorization header for the next request, or undefined while no challenge was seen. */
  authorization(method: string, uri: string): string | undefined {
    if (this.digest !== undefined) return this.digestAuthorization(this.digest, method, uri);
    return this.basic;
  }

  /**
   * Takes a 401's WWW-Authenticate header. Returns true when resending with (new) credentials can
   * succeed: the first challenge, or a digest `stale=true` one (our credentials were right, the nonce
   * expired). A plain challenge to a request that already carried credentials means they were refused.
   */
  onChallenge(header: string | string[] | undefined, requestHadCredentials: boolean): boolean {
    const challenges = parseChallenges(header);
    const digest = pickDigest(challenges);
    if (digest !== undefined) {
      const stale = digest.params.get('stale')?.toLowerCase() === 'true';
      if (requestHadCredentials && !stale) return false;
      return this.adoptDigest(digest);
    }
    if (requestHadCredentials) return false;
    if (challenges.some((c) => c.scheme === 'basic')) {
      this.basic = `Basic ${Buffer.from(`${this.username}:${this.password}`, 'utf8').toString('base64')}`;
      return true;
    }
    return false;
  }

  private adoptDigest(challenge: AuthChallenge): boolean {
    const nonce = challenge.params.get('nonce');
    if (nonce === undefined) return false;
    const algorithm = challenge.params.get('algorithm') ?? 'MD5';
    const upper = algorithm.toUpperCase();
    const hash = DIGEST_HASHES[upper];
    if (hash === undefined) return false;
    const qopOffer = challenge.params.get('qop');
    let qop: 'auth' | undefined;
    if (qopOffer !== undefined) {
      if (!qopOffer.split(',').some((q) => q.trim().toLowerCase() === 'auth')) return false; // auth-int only
      qop = 'auth';
    }
    const realm = challenge.params.get('realm') ?? '';
    const session = upper.endsWith('-SESS');
    const cnonce = randomBytes(8).toString('hex');
    let ha1 = h(hash, `${this.username}:${realm}:${this.password}`);
    if (session) ha1 = h(hash, `${ha1}:${nonce}:${cnonce}`);
    this.basic = undefined;
    this.digest = { realm, nonce, opaque: challenge.params.get('opaque'), algorithm, hash, session, qop, cnonce, nc: 0, ha1 };
    return true;
  }

  private digestAuthorization(d: DigestState, method: string, uri: string): string {
    const ha2 = h(d.hash, `${method}:${uri}`);
    let header = `Digest username="${quote(this.username)}", realm="${quote(d.realm)}", nonce="${quote(d.nonce)}", uri="${quote(uri)}", algorithm=${d.algorithm}`;
    if (d.qop === 'auth') {
      d.nc++;
      const nc = d.nc.toString(16).padStart(8, '0');
      const response = h(d.hash, `${d.ha1}:${d.nonce}:${nc}:${d.cnonce}:auth:${ha2}`);
      header += `, qop=auth, nc=${nc}, cnonce="${d.cnonce}", response="${response}"`;
    } else {
      header += `, response="${h(d.hash, `${d.ha1}:${d.nonce}:${ha2}`)}"`;
    }
    if (d.opaque !== undefined) header += `, opaque="${quote(d.opaque)}"`;
    return header;
  }
}

function pickDigest(challenges: AuthChallenge[]): AuthChallenge | undefined {
  let best: AuthChallenge | undefined;
  let bestRank = 0;
  for (const c of challenges) {
    if (c.scheme !== 'digest') continue;
    const alg = (c.params.get('algorithm') ?? 'MD5').toUpperCase().replace(/-SESS$/, '');
    const rank = ALGORITHM_RANK[alg] ?? 0;
    if (rank > bestRank) {
      best = c;
      bestRank = rank;
    }
  }
  return best;
}

function quote(s: string): string {
  return s.includes('"') || s.includes('\\') ? s.replace(/[\\"]/g, '\\$&') : s;
}
