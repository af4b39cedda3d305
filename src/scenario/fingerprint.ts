/**
 * A scenario's fingerprint: what `cpesim merge` compares to know that machine shards ran the same test. A hash of
 * the effective scenario (file + flags + defaults) with canonical key order, leaving out what legitimately differs
 * between machines: the file's path and this machine's local addresses (source IPs, connection-request host).
 */
import { createHash } from 'node:crypto';
import type { Scenario } from './scenario.js';

export function scenarioFingerprint(scenario: Scenario): string {
  const { file: _file, ...rest } = scenario;
  const acs = { ...rest.acs, sourceAddresses: undefined };
  const connectionRequests = rest.connectionRequests && { ...rest.connectionRequests, host: undefined };
  const text = canonicalJson({ ...rest, acs, connectionRequests });
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** JSON with object keys sorted and undefined members dropped, so equal scenarios hash equally however built. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
