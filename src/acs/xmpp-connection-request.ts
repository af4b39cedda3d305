import { xml, type Client } from '@xmpp/client';
import { stopXmppClient, xmppClient, type XmppLogin } from '../connreq/xmpp-login.js';
import { connectionRequestElement } from '../connreq/xmpp-stanza.js';
import { CpesimError } from '../errors.js';
import type { Credentials } from './auth.js';

/** The reference ACS's own XMPP account (TR-069 Annex K: the ACS logs in to the same XMPP server as the CPEs). */
export type AcsXmppSettings = Omit<XmppLogin, 'resource' | 'timeoutMs'> & {
  /** Default 'acs'. */
  resource?: string;
  /** Login time limit (default 10 s). */
  timeoutMs?: number;
};

export interface XmppConnectionRequestOptions {
  /** Default: the credentials the ACS provisioned. */
  credentials?: Credentials;
  /** Default: the ConnReqJabberID the device last reported. */
  jid?: string;
  /** Waiting for the CPE's IQ answer; default 10 s. */
  timeoutMs?: number;
}

/** The CPE's answer: an empty IQ result, or an IQ error with its condition (not-authorized, service-unavailable, ...). */
export type XmppConnectionRequestResult = { ok: true } | { ok: false; condition: string };

/** One logged-in XMPP session of the ACS that sends connection requests (IQ set, K.2.2) to CPEs' full JIDs. */
export class XmppConnectionRequester {
  private constructor(
    private readonly xmpp: Client,
    /** The ACS's full JID (the `from` of its requests). */
    readonly jid: string,
  ) {}

  static async open(settings: AcsXmppSettings): Promise<XmppConnectionRequester> {
    const timeoutMs = settings.timeoutMs ?? 10_000;
    // Login failures reject start(); later ones fail the requests.
    const xmpp = xmppClient({ ...settings, resource: settings.resource ?? 'acs', timeoutMs });
    try {
      const address = await xmpp.start();
      return new XmppConnectionRequester(xmpp, address.toString());
    } catch (err) {
      await stopXmppClient(xmpp);
      throw new CpesimError('CPESIM_ACS_XMPP_LOGIN', `reference ACS cannot log in to XMPP ${settings.host}:${settings.port} as ${settings.username}@${settings.domain}: ${errorText(err)}`);
    }
  }

  /** Sends the connection request to `to` (the CPE's full JID) and waits for its answer. */
  async send(to: string, credentials: Credentials, timeoutMs = 10_000): Promise<XmppConnectionRequestResult> {
    try {
      await this.xmpp.iqCaller.request(xml('iq', { type: 'set', to }, connectionRequestElement(credentials)), timeoutMs);
      return { ok: true };
    } catch (err) {
      const condition = (err as { name?: string; condition?: string }).name === 'StanzaError' ? (err as { condition?: string }).condition : undefined;
      if (condition !== undefined) return { ok: false, condition };
      throw new CpesimError('CPESIM_ACS_XMPP_CR', `XMPP connection request to ${to} failed: ${errorText(err)}`);
    }
  }

  async close(): Promise<void> {
    await stopXmppClient(this.xmpp);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
