import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { parseHostPort } from '../config/host-port.js';
import { buildUdpConnectionRequest } from '../connreq/udp-message.js';
import { CpesimError } from '../errors.js';
import type { Credentials } from './auth.js';

export interface UdpConnectionRequestOptions {
  /** Default: the credentials the ACS provisioned. */
  credentials?: Credentials;
  /** Send the same datagram this many times (Annex G lets an ACS repeat it, same id: the CPE acts once). Default 1. */
  copies?: number;
  /** Seconds since 1970 (default now): tests send stale ones. */
  ts?: number;
  /** Message id (default random): tests repeat one. */
  id?: string;
  /** Default: the UDPConnectionRequestAddress of the device's last Inform. */
  address?: string;
}

/**
 * Sends a UDP connection request (TR-069 Annex G) to `address` ("host:port", a CPE's UDPConnectionRequestAddress),
 * signed with the CPE's ConnectionRequestUsername/Password. Fire and forget: a CPE never answers; resolves once
 * the datagrams are sent.
 */
export async function sendUdpConnectionRequest(address: string, credentials: Credentials, opts: UdpConnectionRequestOptions = {}): Promise<void> {
  const target = parseHostPort(address);
  if (target?.port === undefined) throw new CpesimError('CPESIM_ACS_UDP_CR_ADDRESS', `UDPConnectionRequestAddress must be host:port, got "${address}"`);
  const datagram = buildUdpConnectionRequest({
    address,
    username: credentials.username,
    password: credentials.password,
    ...(opts.ts !== undefined ? { ts: opts.ts } : {}),
    ...(opts.id !== undefined ? { id: opts.id } : {}),
  });
  const socket = createSocket(isIPv6(target.host) ? 'udp6' : 'udp4');
  try {
    for (let i = 0; i < (opts.copies ?? 1); i++) {
      await new Promise<void>((resolve, reject) => socket.send(datagram, target.port!, target.host, (err) => (err ? reject(err) : resolve())));
    }
  } catch (err) {
    throw new CpesimError('CPESIM_ACS_UDP_CR_SEND', `UDP connection request to ${address} not sent: ${(err as Error).message}`, { cause: err });
  } finally {
    socket.close();
  }
}
