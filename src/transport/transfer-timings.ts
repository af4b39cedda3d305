import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

/**
 * The instants of one measured HTTP file transfer (epoch ms with a sub-millisecond fraction), filled in as it
 * goes: what TR-143 Download/Upload diagnostics report (TCPOpenRequestTime, TCPOpenResponseTime, ROMTime,
 * BOMTime, EOMTime) and the connection whose byte counters give the totals.
 */
export interface TransferTimings {
  /** The TCP connect was started (SYN sent). */
  tcpOpenRequestAt?: number;
  /** The TCP connection is up. */
  tcpOpenResponseAt?: number;
  /** The request (GET or PUT) was handed to the connection. */
  requestAt?: number;
  /** The first byte of the response body arrived (downloads). */
  firstByteAt?: number;
  /** The last byte of the body arrived (downloads), or the response to the PUT did (uploads). */
  endAt?: number;
  /** The last connection used (bytesRead / bytesWritten stay readable after it closed). */
  socket?: Socket;
}

/** Now as epoch ms with microseconds: performance.now() is monotonic and finer than Date.now(). */
export function preciseEpochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** An xsd:dateTime in UTC with microsecond precision (TR-143 asks for it): 2024-01-01T00:00:00.123456Z. */
export function isoMicros(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const micros = Math.min(999, Math.floor((epochMs - whole) * 1000));
  return new Date(whole).toISOString().replace(/Z$/, `${String(micros).padStart(3, '0')}Z`);
}

/** What a connector really returns (its type says void): the socket, so the TCP connect can be timed. */
type SocketConnector = (options: buildConnector.Options, callback: buildConnector.Callback) => Socket | undefined;

/** An undici connector that records the TCP open instants and the socket into `timings`. */
export function timedConnector(options: buildConnector.BuildOptions, timings: TransferTimings): buildConnector.connector {
  const base = buildConnector(options) as SocketConnector;
  return (opts, callback) => {
    timings.tcpOpenRequestAt = preciseEpochMs();
    timings.tcpOpenResponseAt = undefined;
    const socket = base(opts, (err, connected) => {
      if (connected) {
        timings.socket = connected;
        timings.tcpOpenResponseAt ??= preciseEpochMs();
      }
      (callback as (e: Error | null, s: Socket | null) => void)(err, connected);
    });
    // TCP is up at 'connect' (for HTTPS before the TLS handshake, which the callback waits for).
    socket?.once('connect', () => (timings.tcpOpenResponseAt ??= preciseEpochMs()));
  };
}
