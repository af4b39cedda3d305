import { CpesimError } from '../errors.js';
import { fileServerClient, type FileServerOptions } from './file-download.js';
import { HttpAuthenticator } from './http-auth.js';
import { checkLocalAddress } from './local-address.js';
import { classifyRequestError } from './transport-error.js';
import { preciseEpochMs } from './transfer-timings.js';

/**
 * Why a file upload failed (the CPE maps these to TransferComplete fault codes):
 * - unreachable: no connection (refused, unreachable, DNS, connect timeout, own address unusable)
 * - tls: the server's certificate or the TLS handshake failed
 * - auth_failed: 401 to our credentials, or no credentials / usable challenge
 * - failed: anything else (a non-2xx status, no response in time, connection lost)
 * - aborted: the caller's signal (the simulator is stopping)
 */
export type FileUploadFailure = 'unreachable' | 'tls' | 'auth_failed' | 'failed' | 'aborted';

export class FileUploadError extends CpesimError {
  readonly reason: FileUploadFailure;
  readonly status: number | undefined;
  constructor(reason: FileUploadFailure, message: string, extra: { status?: number; cause?: unknown } = {}) {
    super(`CPESIM_UPLOAD_${reason.toUpperCase()}`, message, { cause: extra.cause });
    this.reason = reason;
    this.status = extra.status;
  }
}

export interface FileUploadOptions extends FileServerOptions {
  url: string;
  /** Empty username: no credentials (TR-069 Upload Username/Password). */
  username: string;
  password: string;
  /** The file's content. */
  body: string;
  contentType?: string;
  signal?: AbortSignal;
}

/**
 * PUTs a file the way a CPE performs an Upload (TR-069 A.4.1.5 names HTTP PUT for HTTP URLs): its own
 * connection, Basic or Digest credentials on challenge (the body is sent again with them), no redirects (a
 * PUT body is not re-sent to another place). Any 2xx is success. Throws FileUploadError.
 */
export async function uploadFile(opts: FileUploadOptions): Promise<void> {
  try {
    checkLocalAddress(opts.localAddress);
  } catch (err) {
    throw requestFailure(err, opts.signal);
  }
  const url = new URL(opts.url);
  const path = url.pathname + url.search;
  const auth = opts.username !== '' ? new HttpAuthenticator(opts.username, opts.password) : undefined;
  const client = fileServerClient(url, opts);
  try {
    for (;;) {
      const authorization = auth?.authorization('PUT', path);
      let res: Awaited<ReturnType<typeof client.request>>;
      if (opts.timings) opts.timings.requestAt = preciseEpochMs();
      try {
        res = await client.request({
          path,
          method: 'PUT',
          body: opts.body,
          headers: {
            'content-type': opts.contentType ?? 'text/plain; charset=utf-8',
            ...(authorization !== undefined ? { authorization } : {}),
          },
          signal: opts.signal ?? null,
        });
        if (opts.timings) opts.timings.endAt = preciseEpochMs();
        await res.body.dump({ limit: 64 * 1024 });
      } catch (err) {
        throw requestFailure(err, opts.signal);
      }
      const status = res.statusCode;
      if (status >= 200 && status < 300) return;
      if (status === 401) {
        if (auth?.onChallenge(res.headers['www-authenticate'], authorization !== undefined)) continue;
        const why = authorization !== undefined ? 'refused our credentials' : auth === undefined ? 'asked for credentials, none given' : 'sent no usable challenge';
        throw new FileUploadError('auth_failed', `file server ${why} (401)`, { status });
      }
      throw new FileUploadError('failed', `file server answered HTTP ${status} to the upload`, { status });
    }
  } finally {
    await client.destroy().catch(() => undefined);
  }
}

function requestFailure(err: unknown, signal: AbortSignal | undefined): FileUploadError {
  if (signal?.aborted) return new FileUploadError('aborted', 'upload aborted', { cause: err });
  const t = classifyRequestError(err);
  switch (t.kind) {
    case 'connect_refused':
    case 'connect_timeout':
    case 'dns':
    case 'local_address':
      return new FileUploadError('unreachable', t.message, { cause: err });
    case 'tls':
      return new FileUploadError('tls', `TLS: ${t.message}`, { cause: err });
    default:
      return new FileUploadError('failed', t.message, { cause: err });
  }
}
