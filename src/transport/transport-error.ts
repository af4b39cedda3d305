import { CpesimError } from '../errors.js';
import type { ErrorKind } from '../metrics/observer.js';

/**
 * A failed HTTP exchange with the ACS, already classified into the ErrorKind the metrics count.
 * `code` is `CPESIM_TRANSPORT_<KIND>` so callers can branch on it without parsing messages.
 */
export class TransportError extends CpesimError {
  readonly kind: ErrorKind;
  /** HTTP status when the ACS answered with an unusable one. */
  readonly status: number | undefined;
  /** From a 503's Retry-After header, in milliseconds from now. */
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: ErrorKind,
    message: string,
    extra: { cause?: unknown; status?: number; retryAfterMs?: number | undefined } = {},
  ) {
    super(`CPESIM_TRANSPORT_${kind.toUpperCase()}`, message, { cause: extra.cause });
    this.kind = kind;
    this.status = extra.status;
    this.retryAfterMs = extra.retryAfterMs;
  }
}

/** Node/undici error codes of a failed request, by the ErrorKind they count as. */
const KIND_BY_CODE: Readonly<Record<string, ErrorKind>> = {
  ECONNREFUSED: 'connect_refused',
  EHOSTUNREACH: 'connect_refused',
  ENETUNREACH: 'connect_refused',
  UND_ERR_CONNECT_TIMEOUT: 'connect_timeout',
  ETIMEDOUT: 'connect_timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  // Our session deadline aborts the request in flight.
  UND_ERR_ABORTED: 'timeout',
  ABORT_ERR: 'timeout',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  // bind() of the source address: not an address of this host, or its local ports are used up.
  EADDRNOTAVAIL: 'local_address',
  EADDRINUSE: 'local_address',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EPROTO: 'tls',
  // The ACS sent a body over our cap: a hostile or broken peer, not a network problem.
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'protocol',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'protocol',
  UND_ERR_HEADERS_OVERFLOW: 'protocol',
};

/** OpenSSL / Node certificate and handshake error codes (there are dozens; they share these shapes). */
function isTlsCode(code: string): boolean {
  return (
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    code.startsWith('CERT_') ||
    code.startsWith('UNABLE_TO_') ||
    code.includes('SELF_SIGNED') ||
    code === 'HOSTNAME_MISMATCH'
  );
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && e.code !== 'UND_ERR') return e.code;
  if (e.name === 'AbortError') return 'ABORT_ERR';
  // undici wraps socket errors (cause) and Happy Eyeballs yields an AggregateError (errors).
  if (e.cause !== undefined) {
    const inner = errorCode(e.cause);
    if (inner) return inner;
  }
  if (Array.isArray(e.errors) && e.errors.length > 0) return errorCode(e.errors[0]);
  return typeof e.code === 'string' ? e.code : undefined;
}

/** Turns whatever undici/Node threw for a request into a classified TransportError. */
export function classifyRequestError(err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  const code = errorCode(err);
  const kind: ErrorKind = code === undefined ? 'internal' : (KIND_BY_CODE[code] ?? (isTlsCode(code) ? 'tls' : 'internal'));
  const message = err instanceof Error ? err.message : String(err);
  return new TransportError(kind, code ? `${code}: ${message}` : message, { cause: err });
}
