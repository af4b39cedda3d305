/**
 * A scripted CPE for the reference ACS tests: real CWMP envelopes (built by the codec) over one
 * undici keep-alive connection, optional cookie handling, every ACS envelope kept for XSD validation.
 */
import { createHash } from 'node:crypto';
import { Client } from 'undici';
import { buildCpeMessage } from '../../src/cwmp/build.js';
import type { AcsEnvelope, CpeMessage, CwmpVersion, EventStruct, ParameterValue } from '../../src/cwmp/messages.js';
import { parseAcsMessage } from '../../src/cwmp/parse.js';
import { parseDigestParams } from '../../src/acs/auth.js';

export interface Exchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface TestCpeOptions {
  serial?: string;
  cwmpVersion?: CwmpVersion;
  /** Send the session cookie back (default true). */
  keepCookies?: boolean;
  root?: 'InternetGatewayDevice' | 'Device';
  /** CA certificate (PEM) trusted for an https ACS. */
  ca?: string;
}

export class TestCpe {
  readonly client: Client;
  readonly serial: string;
  readonly cwmpVersion: CwmpVersion;
  /** Every SOAP envelope the ACS sent, for XSD validation. */
  readonly received: string[] = [];
  private cookie: string | undefined;
  private informId = 0;

  constructor(
    acsUrl: string,
    private readonly opts: TestCpeOptions = {},
  ) {
    this.client = new Client(new URL(acsUrl).origin, {
      pipelining: 1,
      keepAliveTimeout: 30_000,
      ...(opts.ca ? { connect: { ca: opts.ca } } : {}),
    });
    this.serial = opts.serial ?? 'SIM0001';
    this.cwmpVersion = opts.cwmpVersion ?? 0;
  }

  get deviceKey(): string {
    return `00D09E-SimGateway-${this.serial}`;
  }

  async post(body: string, headers: Record<string, string> = {}): Promise<Exchange> {
    const all: Record<string, string> = { 'Content-Type': 'text/xml; charset="utf-8"', ...headers };
    if (this.cookie && this.opts.keepCookies !== false) all['Cookie'] = this.cookie;
    const res = await this.client.request({ path: '/', method: 'POST', headers: all, body });
    const text = await res.body.text();
    const setCookie = res.headers['set-cookie'];
    if (typeof setCookie === 'string') this.cookie = setCookie.split(';')[0];
    if (res.statusCode === 200) this.received.push(text);
    return { status: res.statusCode, headers: res.headers, body: text };
  }

  informXml(events: string[] = ['1 BOOT'], id = `inform-${++this.informId}`): string {
    const root = this.opts.root ?? 'InternetGatewayDevice';
    const parameterList: ParameterValue[] = [
      { name: `${root}.DeviceInfo.SoftwareVersion`, value: '1.0.0', type: 'string' },
      { name: `${root}.ManagementServer.ConnectionRequestURL`, value: 'http://127.0.0.1:7547/', type: 'string' },
    ];
    const eventList: EventStruct[] = events.map((code) => ({ code, commandKey: '' }));
    return this.build(
      {
        method: 'Inform',
        deviceId: { manufacturer: 'cpesim', oui: '00D09E', productClass: 'SimGateway', serialNumber: this.serial },
        events: eventList,
        maxEnvelopes: 1,
        currentTime: '2025-01-01T00:00:00Z',
        retryCount: 0,
        parameterList,
      },
      id,
    );
  }

  build(msg: CpeMessage, id: string | undefined): string {
    return buildCpeMessage(msg, { cwmpVersion: this.cwmpVersion, id });
  }

  /** POSTs and decodes a 200 answer; fails the test on any other status. */
  async exchange(body: string, headers?: Record<string, string>): Promise<AcsEnvelope> {
    const res = await this.post(body, headers);
    if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${res.body}`);
    return parseAcsMessage(res.body);
  }

  /** Continues another TestCpe's session on this one's connection. */
  adoptCookieOf(other: TestCpe): void {
    this.cookie = other.cookie;
  }

  async close(): Promise<void> {
    if (!this.client.destroyed && !this.client.closed) await this.client.close();
  }
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** The Authorization header answering a Digest challenge (qop=auth, MD5). */
export function digestAuthorization(challenge: string, username: string, password: string, uri = '/', nc = 1): string {
  const c = parseDigestParams(challenge.replace(/^Digest\s+/i, ''));
  const realm = c.get('realm') ?? '';
  const nonce = c.get('nonce') ?? '';
  const cnonce = 'c0ffee';
  const ncHex = nc.toString(16).padStart(8, '0');
  const response = md5(`${md5(`${username}:${realm}:${password}`)}:${nonce}:${ncHex}:${cnonce}:auth:${md5(`POST:${uri}`)}`);
  return (
    `Digest username="${username}", realm="${realm}", nonce="${nonce}", uri="${uri}", qop=auth, nc=${ncHex}, ` +
    `cnonce="${cnonce}", response="${response}", opaque="${c.get('opaque') ?? ''}", algorithm=MD5`
  );
}
