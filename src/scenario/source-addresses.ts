import { isIP, isIPv4 } from 'node:net';
import { CpesimError } from '../errors.js';

/**
 * Local source addresses for the CPEs' connections: "127.0.0.2-127.0.0.50" (an IPv4 range, both ends included)
 * or a single IPv4/IPv6 address. Each source IP has its own ephemeral port range towards one ACS address and
 * port (about 28k on Linux by default), so spreading CPEs over N source IPs multiplies the connections a fleet
 * can hold open or leave in TIME_WAIT.
 */

/** More would only waste memory: even 65,536 addresses × 28k ports is far beyond one load generator. */
export const MAX_SOURCE_ADDRESSES = 65_536;

/** A malformed entry; `entry` is its position in the list, so the caller can name the line or flag. */
export class SourceAddressError extends CpesimError {
  readonly entry: number;
  constructor(entry: number, message: string) {
    super('CPESIM_SOURCE_ADDRESS', message);
    this.entry = entry;
  }
}

/** Expands the list (ranges → every address, in order). Throws SourceAddressError. */
export function expandSourceAddresses(specs: readonly string[]): string[] {
  const out: string[] = [];
  specs.forEach((raw, entry) => {
    const spec = raw.trim();
    const dash = spec.indexOf('-');
    if (dash < 0) {
      if (isIP(spec) === 0) throw new SourceAddressError(entry, `"${raw}" is not an IP address or an IPv4 range like 127.0.0.2-127.0.0.50`);
      out.push(spec);
    } else {
      const from = spec.slice(0, dash).trim();
      const to = spec.slice(dash + 1).trim();
      if (!isIPv4(from) || !isIPv4(to)) throw new SourceAddressError(entry, `"${raw}" is not an IPv4 range like 127.0.0.2-127.0.0.50`);
      const a = ipv4ToNumber(from);
      const b = ipv4ToNumber(to);
      if (b < a) throw new SourceAddressError(entry, `range "${raw}" ends before it starts`);
      if (out.length + (b - a + 1) > MAX_SOURCE_ADDRESSES) {
        throw new SourceAddressError(entry, `more than ${MAX_SOURCE_ADDRESSES} source addresses`);
      }
      for (let n = a; n <= b; n++) out.push(numberToIpv4(n));
    }
    if (out.length > MAX_SOURCE_ADDRESSES) throw new SourceAddressError(entry, `more than ${MAX_SOURCE_ADDRESSES} source addresses`);
  });
  return out;
}

/** The source address of the CPE with this global index: stable whatever the shard count. */
export function sourceAddressIndex(cpeIndex: number, addresses: number): number {
  return cpeIndex % addresses;
}

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function numberToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
