/** `host:port`, `host`, `[v6]:port` as written in scenarios and flags (STUN and XMPP servers, UDP request targets). */
export interface HostPort {
  host: string;
  port?: number;
}

/**
 * Parses `host[:port]` (an IPv6 address in brackets); undefined when malformed or the port is outside 1..65535.
 * With `defaultPort` a missing port is that one.
 */
export function parseHostPort(text: string): HostPort | undefined;
export function parseHostPort(text: string, defaultPort: number): Required<HostPort> | undefined;
export function parseHostPort(text: string, defaultPort?: number): HostPort | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]/]+))(?::(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const host = m[1] ?? m[2]!;
  if (m[3] === undefined) return defaultPort === undefined ? { host } : { host, port: defaultPort };
  const port = Number(m[3]);
  return port >= 1 && port <= 65535 ? { host, port } : undefined;
}
