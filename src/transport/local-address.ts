import { isIP } from 'node:net';
import { TransportError } from './transport-error.js';

/**
 * The source address a CPE's connections bind to (a fleet spread over many addresses looks like many
 * subscribers to the ACS and gets more than one address's ephemeral ports). It must be an IP literal of this
 * host; undefined lets the OS choose. Checked here so a typo is a classified `local_address` error, not
 * undici's argument error.
 */
export function checkLocalAddress(address: string | undefined): string | undefined {
  if (address === undefined || isIP(address) !== 0) return address;
  throw new TransportError('local_address', `local address "${address}" is not an IP address`);
}
