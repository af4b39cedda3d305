import { Client } from 'undici';
import { CpesimError } from '../errors.js';
import { HttpAuthenticator } from './http-auth.js';
import { MAX_REDIRECTS } from './acs-http-session.js';
import { checkLocalAddress } from './local-address.js';
import { classifyRequestError } from './transport-error.js';
import { preciseEpochMs, timedConnector, type TransferTimings } from './transfer-timings.js';

/**
 * Why a file download failed, in HTTP terms (the CPE maps these to TR-069 TransferComplete fault codes).
 * - unreachable: no connection (refused, unreachable, DNS, connect timeout)
 * - tls: the server's certificate or the TLS handshake failed
 * - auth_failed: 401 to our credentials, or no credentials / usable challenge
 * - not_accessible: 403, 404 or 410
 * - incomplete: the response started but its body did not arrive whole (reset, short body, body timeout)
 * - too_large: the body exceeded the download's byte cap
 * - failed: anything else (other HTTP statuses, no response in time, redirect loops)
 * - aborted: the caller's signal (the simulator is stopping)
 */
export type FileDownloadFailure = 'unreachable' | 'tls' | 'auth_failed' | 'not_accessible' | 'incomplete' | 'too_large' | 'failed' | 'aborted';

export class FileDownloadError extends CpesimError {
  readonly reason: FileDownloadFailure;
  readonly status: number | undefined;
  constructor(reason: FileDownloadFailure, message: string, extra: { status?: number; cause?: unknown } = {}) {
    super(`CPESIM_DOWNLOAD_${reason.toUpperCase()}`, message, { cause: extra.cause });
    this.reason = reason;
    this.status = extra.status;
  }
}

export interface FileDownloadOptions {
  url: string;
  /** Empty username: no credentials (TR-069 Download Username/Password). */
  username: string;
  password: string;
  /** Connect, response-headers and body-idle timeout. */
  timeoutMs: number;
  /** Largest body accepted; counted as it streams, never held in memory. */
  maxBytes: number;
  /** Accept any server certificate / trust this PEM CA (the CPE's trust store). */
  insecure?: boolean;
  ca?: string;
  /** Source IP address to bind to (the CPE's, as for its ACS connections). */
  localAddress?: string;
  signal?: AbortSignal;
  /** Filled in with the transfer's instants and connection when given (diagnostics measure with it). */
  timings?: TransferTimings;
}

export interface FileDownloadResult {
  bytes: number;
  /** The URL the body came from, after redirects. */
  finalUrl: string;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/**
 * GETs a file over HTTP(S) the way a CPE fetches a Download: its own connection (every simulated CPE is
 * its own device, so no pooling with other CPEs), Basic or Digest credentials on challenge, at most 5
 * redirects, a byte cap, and the body read to the end but only counted. Throws FileDownloadError.
 */
export async function downloadFile(opts: FileDownloadOptions): Promise<FileDownloadResult> {
  try {
    checkLocalAddress(opts.localAddress);
  } catch (err) {
    throw requestFailure(err, opts.signal, false);
  }
  let url = new URL(opts.url);
  let auth = opts.username !== '' ? new HttpAuthenticator(opts.username, opts.password) : undefined;
  let client = fileServerClient(url, opts);
  let redirects = 0;
  try {
    for (;;) {
      const path = url.pathname + url.search;
      const authorization = auth?.authorization('GET', path);
      let res: Awaited<ReturnType<Client['request']>>;
      if (opts.timings) opts.timings.requestAt = preciseEpochMs();
      try {
        res = await client.request({
          path,
          method: 'GET',
          headers: authorization !== undefined ? { authorization } : {},
          signal: opts.signal ?? null,
        });
      } catch (err) {
        throw requestFailure(err, opts.signal, false);
      }
      const status = res.statusCode;
      if (status >= 200 && status < 300) return { bytes: await countBody(res.body, opts), finalUrl: url.href };
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      if (status === 401) {
        if (auth?.onChallenge(res.headers['www-authenticate'], authorization !== undefined)) continue;
        const why = authorization !== undefined ? 'refused our credentials' : auth === undefined ? 'asked for credentials, none given' : 'sent no usable challenge';
        throw new FileDownloadError('auth_failed', `file server ${why} (401)`, { status });
      }
      if (status === 403 || status === 404 || status === 410) {
        throw new FileDownloadError('not_accessible', `file server answered ${status} for ${url.href}`, { status });
      }
      if (isRedirect(status)) {
        const next = redirectTarget(res.headers['location'], url, status, ++redirects);
        if (next.origin !== url.origin) {
          await client.close().catch(() => undefined);
          client = fileServerClient(next, opts);
          // Another server: its challenge starts from scratch.
          auth = opts.username !== '' ? new HttpAuthenticator(opts.username, opts.password) : undefined;
        }
        url = next;
        continue;
      }
      throw new FileDownloadError('failed', `file server answered HTTP ${status}`, { status });
    }
  } finally {
    await client.destroy().catch(() => undefined);
  }
}

/** The connection options a file transfer (download or upload) shares. */
export type FileServerOptions = Pick<FileDownloadOptions, 'timeoutMs' | 'insecure' | 'ca' | 'localAddress' | 'timings'>;

/** A file server connection of its own (one device, no pooling with other CPEs), bounded by timeoutMs. */
export function fileServerClient(url: URL, opts: FileServerOptions): Client {
  const connect = {
    timeout: opts.timeoutMs,
    rejectUnauthorized: !opts.insecure,
    ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
  };
  return new Client(url.origin, {
    pipelining: 1,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    ...(opts.localAddress !== undefined ? { localAddress: opts.localAddress } : {}),
    connect: opts.timings ? timedConnector(connect, opts.timings) : connect,
  });
}

function redirectTarget(location: string | string[] | undefined, from: URL, status: number, count: number): URL {
  const target = Array.isArray(location) ? location[0] : location;
  if (!target) throw new FileDownloadError('failed', `file server answered ${status} without Location`, { status });
  if (count > MAX_REDIRECTS) throw new FileDownloadError('failed', `more than ${MAX_REDIRECTS} redirects`, { status });
  let next: URL;
  try {
    next = new URL(target, from);
  } catch (err) {
    throw new FileDownloadError('failed', `invalid redirect Location "${target}"`, { status, cause: err });
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new FileDownloadError('failed', `redirect to a non-HTTP Location "${target}"`, { status });
  }
  return next;
}

/** Reads the body to its end, counting bytes; stops (and fails) at the cap. */
async function countBody(body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown }, opts: FileDownloadOptions): Promise<number> {
  let bytes = 0;
  const timings = opts.timings;
  try {
    for await (const chunk of body) {
      if (timings && bytes === 0) timings.firstByteAt = preciseEpochMs();
      bytes += chunk.length;
      if (bytes > opts.maxBytes) {
        body.destroy();
        throw new FileDownloadError('too_large', `file larger than the ${opts.maxBytes}-byte cap`);
      }
    }
  } catch (err) {
    if (err instanceof FileDownloadError) throw err;
    throw requestFailure(err, opts.signal, true);
  }
  if (timings) timings.endAt = preciseEpochMs();
  return bytes;
}

/** Classifies a thrown request/body error; `inBody`: the response had started, so the file is incomplete. */
function requestFailure(err: unknown, signal: AbortSignal | undefined, inBody: boolean): FileDownloadError {
  if (signal?.aborted) return new FileDownloadError('aborted', 'download aborted', { cause: err });
  const t = classifyRequestError(err);
  if (inBody) return new FileDownloadError('incomplete', `download broke off: ${t.message}`, { cause: err });
  switch (t.kind) {
    case 'connect_refused':
    case 'connect_timeout':
    case 'dns':
    // The CPE could not bind its own address: the file server was never reached (9015), as when unreachable.
    case 'local_address':
      return new FileDownloadError('unreachable', t.message, { cause: err });
    case 'tls':
      return new FileDownloadError('tls', `TLS: ${t.message}`, { cause: err });
    case 'reset':
      return new FileDownloadError('incomplete', `connection lost: ${t.message}`, { cause: err });
    default:
      return new FileDownloadError('failed', t.message, { cause: err });
  }
}
