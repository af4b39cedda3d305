/**
 * The scenario's `connectionRequests.udp` block: UDP connection requests (TR-069 Annex G) and STUN.
 *
 *   connectionRequests:
 *     udp:
 *       enabled: true            # default true when the block is present
 *       replayWindow: 60s        # a request whose ts is further from now is dropped (stale)
 *       stun:                    # power-on STUN settings of every CPE (the ACS may change them)
 *         server: 127.0.0.1:3478 # STUNServerAddress[:STUNServerPort]; absent: the ACS URL's host, port 3478
 *         minKeepAlive: 30s      # STUNMinimumKeepAlivePeriod
 *         maxKeepAlive: 60s      # STUNMaximumKeepAlivePeriod
 *         username: stun-user    # STUNUsername (no USERNAME attribute when absent)
 *         password: stun-secret  # STUNPassword (MESSAGE-INTEGRITY when the server answers 401)
 */
import { parseHostPort } from '../config/host-port.js';
export interface UdpConnectionRequestSettings {
  enabled: boolean;
  replayWindowMs?: number | undefined;
  stun?: StunSettings | undefined;
}

export interface StunSettings {
  host?: string | undefined;
  port?: number | undefined;
  minKeepAliveS?: number | undefined;
  maxKeepAliveS?: number | undefined;
  username?: string | undefined;
  password?: string | undefined;
}

/** As written in the YAML. */
export interface UdpSettingsDocument {
  enabled?: boolean;
  replayWindow?: string | number;
  stun?: { server?: string; minKeepAlive?: string | number; maxKeepAlive?: string | number; username?: string; password?: string };
}

const durationSchema = { type: ['string', 'number'] } as const;

/** The ajv schema of the block (load-scenario.ts puts it under connectionRequests). */
export const udpSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    replayWindow: durationSchema,
    stun: {
      type: 'object',
      additionalProperties: false,
      properties: {
        server: { type: 'string', minLength: 1, maxLength: 256 },
        minKeepAlive: durationSchema,
        maxKeepAlive: durationSchema,
        username: { type: 'string', maxLength: 256 },
        password: { type: 'string', maxLength: 256 },
      },
    },
  },
} as const;

type Fail = (message: string, path: (string | number)[]) => Error;
type Duration = (value: string | number | undefined, fallbackMs: number, path: (string | number)[]) => number;

/** Semantic checks and units; errors name the field (`fail` adds the file and line). */
export function resolveUdpSettings(d: UdpSettingsDocument | undefined, fail: Fail, duration: Duration): UdpConnectionRequestSettings | undefined {
  if (d === undefined) return undefined;
  const at = ['connectionRequests', 'udp'];
  const replayWindowMs = d.replayWindow === undefined ? undefined : duration(d.replayWindow, 0, [...at, 'replayWindow']);
  if (replayWindowMs !== undefined && replayWindowMs < 1000) throw fail('must be at least 1s (ts has a resolution of one second)', [...at, 'replayWindow']);
  const s = d.stun;
  let stun: StunSettings | undefined;
  if (s !== undefined) {
    const server = s.server === undefined ? undefined : parseHostPort(s.server);
    if (server === undefined && s.server !== undefined) {
      throw fail(`"${s.server}" is not host[:port] (examples: 127.0.0.1:3478, stun.example.net, [::1]:3478)`, [...at, 'stun', 'server']);
    }
    const seconds = (value: string | number | undefined, field: string): number | undefined => {
      if (value === undefined) return undefined;
      const ms = duration(value, 0, [...at, 'stun', field]);
      if (ms < 1000) throw fail('must be at least 1s (the keepalive period is whole seconds)', [...at, 'stun', field]);
      return Math.ceil(ms / 1000);
    };
    const minKeepAliveS = seconds(s.minKeepAlive, 'minKeepAlive');
    const maxKeepAliveS = seconds(s.maxKeepAlive, 'maxKeepAlive');
    if (minKeepAliveS !== undefined && maxKeepAliveS !== undefined && maxKeepAliveS < minKeepAliveS) {
      throw fail('must not be below minKeepAlive', [...at, 'stun', 'maxKeepAlive']);
    }
    stun = { ...server, minKeepAliveS, maxKeepAliveS, username: s.username, password: s.password };
  }
  return { enabled: d.enabled ?? true, replayWindowMs, stun };
}

