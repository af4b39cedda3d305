import { client, type Client } from '@xmpp/client';
import type { XmppSettings } from '../scenario/scenario.js';

/** One XMPP account to log in with (a CPE's or the reference ACS's): the server of the scenario, rendered credentials. */
export interface XmppLogin extends Pick<XmppSettings, 'host' | 'port' | 'domain'> {
  username: string;
  password: string;
  resource: string;
  /** Stream open/close time limit (ms). */
  timeoutMs: number;
}

/**
 * An @xmpp/client set up the way cpesim uses it: no automatic reconnect (the caller paces its own), an 'error'
 * listener (an EventEmitter without one throws: failures surface as a rejected start() or a 'disconnect'), and
 * SASL PLAIN whenever the server offers it. Why PLAIN: @xmpp/client's SCRAM-SHA-1 derives the key with thousands of
 * awaited WebCrypto HMAC calls (~2 s and as many libuv thread-pool tasks per login here), which a fleet logging in
 * cannot afford; PLAIN without TLS sends the password in clear, so beyond loopback the server should offer STARTTLS
 * (used when offered). Servers without PLAIN get the library's choice.
 */
export function xmppClient(login: XmppLogin): Client {
  const { username, password } = login;
  const xmpp = client({
    service: `xmpp://${login.host.includes(':') ? `[${login.host}]` : login.host}:${login.port}`,
    domain: login.domain,
    username,
    password,
    resource: login.resource,
    timeout: login.timeoutMs,
    credentials: (authenticate, mechanisms) =>
      authenticate({ username, password }, mechanisms.includes('PLAIN') ? 'PLAIN' : (mechanisms.find((m) => m !== 'PLAIN') ?? mechanisms[0]!)),
  });
  xmpp.reconnect.stop();
  xmpp.on('error', () => {});
  return xmpp;
}

/**
 * Stops a client and frees its socket. stop() closes the stream, then ends the socket and waits for it to close;
 * when the server never answers it gives up and forgets the socket without destroying it (@xmpp/connection 0.14),
 * which would leak it: destroyed here.
 */
export async function stopXmppClient(xmpp: Client): Promise<void> {
  const socket = xmpp.socket;
  await xmpp.stop().catch(() => {});
  socket?.destroy();
}
