import { request } from 'node:http';
import { CpesimError } from '../errors.js';
import { HttpAuthenticator } from '../transport/http-auth.js';
import type { Credentials } from './auth.js';

/** How the reference ACS authenticates a connection request: each kind exists so tests can send the wrong ones. */
export type ConnectionRequestAuth = 'digest' | 'basic' | 'none';

export interface ConnectionRequestOptions {
  /** Default 'digest' (TR-069 §3.2.2): an unauthenticated GET, then the answer to its 401 challenge. */
  auth?: ConnectionRequestAuth;
  /** Default: the credentials the ACS provisioned. */
  credentials?: Credentials;
  /** Per HTTP request; default 10 s. */
  timeoutMs?: number;
}

/** The CPE's final answer (after the Digest round trip when there was one). */
export interface ConnectionRequestResult {
  status: number;
}

/** One GET without a body; resolves with the status and the WWW-Authenticate header. */
function get(url: URL, authorization: string | undefined, timeoutMs: number): Promise<{ status: number; challenge: string | string[] | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs, headers: authorization ? { Authorization: authorization } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, challenge: res.headers['www-authenticate'] }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new CpesimError('CPESIM_ACS_CR_TIMEOUT', `connection request to ${url.host} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Sends a connection request (TR-069 §3.2.2: HTTP GET to the CPE's ConnectionRequestURL). Digest: a first GET
 * without credentials, then one answering the 401's challenge (the transport's Digest client, qop=auth).
 */
export async function sendConnectionRequest(urlText: string, credentials: Credentials, opts: ConnectionRequestOptions = {}): Promise<ConnectionRequestResult> {
  const url = new URL(urlText);
  if (url.protocol !== 'http:') throw new CpesimError('CPESIM_ACS_CR_URL', `ConnectionRequestURL must be http:, got ${urlText}`);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const auth = opts.auth ?? 'digest';
  const uri = `${url.pathname}${url.search}`;
  const client = new HttpAuthenticator(credentials.username, credentials.password);
  if (auth === 'basic') client.onChallenge('Basic realm="cpe"', false);
  const first = await get(url, auth === 'basic' ? client.authorization('GET', uri) : undefined, timeoutMs);
  if (auth !== 'digest' || first.status !== 401 || !client.onChallenge(first.challenge, false)) return { status: first.status };
  return { status: (await get(url, client.authorization('GET', uri), timeoutMs)).status };
}
