/**
 * The cookies of one CWMP session (TR-069 §3.4.2: the CPE returns the ACS's cookies on every later
 * request of the session). RFC 6265 storage and matching, reduced to what one ACS host needs:
 * Domain, Path, Expires, Max-Age and Secure are honoured; a cookie for another domain is ignored.
 */
interface StoredCookie {
  name: string;
  value: string;
  /** Lower-case domain; with hostOnly only that exact host matches. */
  domain: string;
  hostOnly: boolean;
  path: string;
  expiresAtMs: number;
  secure: boolean;
}

export class CookieJar {
  private readonly cookies: StoredCookie[] = [];

  /** Stores the Set-Cookie header(s) of a response received from `url`. */
  store(setCookie: string | string[] | undefined, url: URL, nowMs: number = Date.now()): void {
    if (setCookie === undefined) return;
    if (Array.isArray(setCookie)) {
      for (const line of setCookie) this.storeOne(line, url, nowMs);
    } else {
      this.storeOne(setCookie, url, nowMs);
    }
  }

  /** The Cookie header value for a request to `url`, or undefined when no cookie applies. */
  header(url: URL, nowMs: number = Date.now()): string | undefined {
    let out: string | undefined;
    const host = url.hostname.toLowerCase();
    const secure = url.protocol === 'https:';
    for (let i = this.cookies.length - 1; i >= 0; i--) {
      const c = this.cookies[i]!;
      if (c.expiresAtMs <= nowMs) {
        this.cookies.splice(i, 1);
        continue;
      }
      if ((c.secure && !secure) || !domainMatches(host, c) || !pathMatches(url.pathname, c.path)) continue;
      const pair = `${c.name}=${c.value}`;
      out = out === undefined ? pair : `${pair}; ${out}`;
    }
    return out;
  }

  private storeOne(line: string, url: URL, nowMs: number): void {
    const parts = line.split(';');
    const nameValue = parts[0]!;
    const eq = nameValue.indexOf('=');
    if (eq <= 0) return; // RFC 6265 §5.2: no name -> ignore the cookie
    const host = url.hostname.toLowerCase();
    const cookie: StoredCookie = {
      name: nameValue.slice(0, eq).trim(),
      value: nameValue.slice(eq + 1).trim(),
      domain: host,
      hostOnly: true,
      path: defaultPath(url.pathname),
      expiresAtMs: Number.POSITIVE_INFINITY,
      secure: false,
    };
    let maxAgeSeen = false;
    for (let i = 1; i < parts.length; i++) {
      const attr = parts[i]!;
      const aeq = attr.indexOf('=');
      const key = (aeq < 0 ? attr : attr.slice(0, aeq)).trim().toLowerCase();
      const val = aeq < 0 ? '' : attr.slice(aeq + 1).trim();
      switch (key) {
        case 'max-age': {
          // Max-Age wins over Expires (RFC 6265 §5.3 step 3).
          if (!/^-?\d+$/.test(val)) break;
          const seconds = Number(val);
          cookie.expiresAtMs = seconds <= 0 ? Number.NEGATIVE_INFINITY : nowMs + seconds * 1000;
          maxAgeSeen = true;
          break;
        }
        case 'expires': {
          if (maxAgeSeen) break;
          const at = Date.parse(val);
          if (!Number.isNaN(at)) cookie.expiresAtMs = at;
          break;
        }
        case 'domain': {
          const domain = val.replace(/^\./, '').toLowerCase();
          if (domain === '') break;
          if (host !== domain && !host.endsWith(`.${domain}`)) return; // not ours to set
          cookie.domain = domain;
          cookie.hostOnly = false;
          break;
        }
        case 'path':
          if (val.startsWith('/')) cookie.path = val;
          break;
        case 'secure':
          cookie.secure = true;
          break;
        default:
          break; // HttpOnly, SameSite, ...: irrelevant to a CPE
      }
    }
    const existing = this.cookies.findIndex((c) => c.name === cookie.name && c.domain === cookie.domain && c.path === cookie.path);
    if (existing >= 0) this.cookies.splice(existing, 1);
    // An expiry in the past is how a server deletes a cookie.
    if (cookie.expiresAtMs > nowMs) this.cookies.push(cookie);
  }
}

function domainMatches(host: string, c: StoredCookie): boolean {
  return host === c.domain || (!c.hostOnly && host.endsWith(`.${c.domain}`));
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

/** RFC 6265 §5.1.4 default-path: the request path up to, not including, its last '/'. */
function defaultPath(requestPath: string): string {
  const last = requestPath.lastIndexOf('/');
  return last <= 0 ? '/' : requestPath.slice(0, last);
}
