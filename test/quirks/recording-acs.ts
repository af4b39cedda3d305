/**
 * An independent RECORDING ACS for the quirk tests: a plain node:http server on 127.0.0.1 that keeps the raw
 * bytes of every connection, and every request's line, headers, body and connection number, and plays a small
 * hand-written CWMP dialogue (InformResponse, then the test's RPCs, then 204). It shares no code with src/acs
 * nor src/cwmp: what the quirks put on the wire is judged by a peer that did not write it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  /** 1-based number of the TCP connection the request came on (order of accept). */
  conn: number;
  method: string;
  url: string;
  httpVersion: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Header names as sent. */
  rawHeaderNames: string[];
  body: string;
  /** performance.now() ms when the request was complete / when the answer to it was sent. */
  receivedAt: number;
  answeredAt: number;
}

/** What the ACS answers; `undefined` from a hook: the default dialogue decides. */
export interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface DialogueOptions {
  /** ACS RPC envelopes sent one by one after the Inform exchange (each on an empty POST or an RPC answer). */
  rpcs?: string[];
  /** Ask for HTTP Basic credentials on the first request of the run (401 + WWW-Authenticate). */
  basicAuth?: boolean;
  /** Set-Cookie sent with the InformResponse. */
  setCookie?: string;
  /** Overrides the dialogue for one request (index: 0-based request number). */
  hook?: (req: RecordedRequest, index: number) => Reply | undefined;
}

export const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';

/** The cwmp namespace a CPE message uses ("urn:dslforum-org:cwmp-1-0" when none is found). */
export function cwmpNamespaceOf(xml: string): string {
  return /xmlns:cwmp="(urn:dslforum-org:cwmp-1-\d)"/.exec(xml)?.[1] ?? 'urn:dslforum-org:cwmp-1-0';
}

/** An ACS envelope, written by hand (prefix soapenv, ID "acs-<n>"). */
export function acsEnvelope(body: string, id: string, ns = 'urn:dslforum-org:cwmp-1-0'): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" ` +
    `xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cwmp="${ns}">` +
    `<soapenv:Header><cwmp:ID soapenv:mustUnderstand="1">${id}</cwmp:ID></soapenv:Header>` +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

export const gpv = (names: string[], id = 'acs-gpv'): string =>
  acsEnvelope(
    `<cwmp:GetParameterValues><ParameterNames soapenc:arrayType="xsd:string[${names.length}]">` +
      names.map((n) => `<string>${n}</string>`).join('') +
      '</ParameterNames></cwmp:GetParameterValues>',
    id,
  );

export const gpn = (path: string, nextLevel: boolean, id = 'acs-gpn'): string =>
  acsEnvelope(`<cwmp:GetParameterNames><ParameterPath>${path}</ParameterPath><NextLevel>${nextLevel ? 1 : 0}</NextLevel></cwmp:GetParameterNames>`, id);

export const spv = (name: string, value: string, type: string, id = 'acs-spv'): string =>
  acsEnvelope(
    '<cwmp:SetParameterValues><ParameterList soapenc:arrayType="cwmp:ParameterValueStruct[1]">' +
      `<ParameterValueStruct><Name>${name}</Name><Value xsi:type="${type}">${value}</Value></ParameterValueStruct>` +
      '</ParameterList><ParameterKey>k1</ParameterKey></cwmp:SetParameterValues>',
    id,
  );

export class RecordingAcs {
  readonly requests: RecordedRequest[] = [];
  /** Raw bytes received, per connection number (index 0 = connection 1). */
  readonly rawByConn: Buffer[][] = [];
  /** Connections the ACS saw close (their numbers). */
  readonly closedConns: number[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private pendingRpcs: string[] = [];
  private authorized = false;
  private opts: DialogueOptions = {};

  private constructor() {
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('connection', (socket: Socket) => {
      // Captured, not looked up by number: reset() empties rawByConn, and a connection of an earlier dialogue must not
      // write into the next one's record.
      const received: Buffer[] = [];
      const conn = this.rawByConn.push(received);
      (socket as Socket & { conn?: number }).conn = conn;
      this.sockets.add(socket);
      socket.on('data', (chunk: Buffer) => received.push(Buffer.from(chunk)));
      socket.on('close', () => {
        if (this.sockets.delete(socket)) this.closedConns.push(conn);
      });
    });
  }

  static async start(): Promise<RecordingAcs> {
    const acs = new RecordingAcs();
    await new Promise<void>((resolve) => acs.server.listen(0, '127.0.0.1', resolve));
    return acs;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/acs`;
  }

  /** Forgets what was recorded and sets the next dialogue. */
  reset(opts: DialogueOptions = {}): void {
    // The session recorded before has ended; bytes still in flight on its connections belong to no dialogue.
    this.dropConnections();
    this.requests.length = 0;
    this.rawByConn.length = 0;
    this.closedConns.length = 0;
    this.pendingRpcs = [...(opts.rpcs ?? [])];
    this.authorized = false;
    this.opts = opts;
  }

  /** All raw bytes of one connection as latin1 text. */
  raw(conn: number): string {
    return Buffer.concat(this.rawByConn[conn - 1] ?? []).toString('latin1');
  }

  /** Requests carrying a CWMP method element (`cwmp:Name` under any prefix) in their body. */
  withMethod(method: string): RecordedRequest[] {
    return this.requests.filter((r) => new RegExp(`<[\\w-]+:${method}[\\s>/]`).test(r.body));
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private dropConnections(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      const names: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        names.push(name);
        const key = name.toLowerCase();
        headers[key] = headers[key] === undefined ? req.rawHeaders[i + 1]! : `${headers[key]}, ${req.rawHeaders[i + 1]!}`;
      }
      const rec: RecordedRequest = {
        conn: (req.socket as Socket & { conn?: number }).conn ?? 0,
        method: req.method ?? '',
        url: req.url ?? '',
        httpVersion: req.httpVersion,
        headers,
        rawHeaderNames: names,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: performance.now(),
        answeredAt: 0,
      };
      const index = this.requests.push(rec) - 1;
      const reply = this.opts.hook?.(rec, index) ?? this.dialogue(rec);
      rec.answeredAt = performance.now();
      const body = reply.body ?? '';
      res.writeHead(reply.status, {
        ...(body !== '' ? { 'content-type': 'text/xml; charset="utf-8"', 'content-length': String(Buffer.byteLength(body)) } : {}),
        ...reply.headers,
      });
      res.end(body);
    });
  }

  /** The default dialogue: (401 once), InformResponse to an Inform, then the queued RPCs, then 204. */
  private dialogue(rec: RecordedRequest): Reply {
    if (this.opts.basicAuth && !this.authorized) {
      if (!rec.headers['authorization']?.startsWith('Basic ')) {
        return { status: 401, headers: { 'www-authenticate': 'Basic realm="quirks"' } };
      }
      this.authorized = true;
    }
    if (/<[\w-]+:Inform[\s>]/.test(rec.body)) {
      const id = /<cwmp:ID[^>]*>([^<]*)<\/cwmp:ID>/.exec(rec.body)?.[1] ?? 'inform';
      const body = acsEnvelope('<cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse>', id, cwmpNamespaceOf(rec.body));
      return { status: 200, body, ...(this.opts.setCookie !== undefined ? { headers: { 'set-cookie': this.opts.setCookie } } : {}) };
    }
    const next = this.pendingRpcs.shift();
    return next === undefined ? { status: 204 } : { status: 200, body: next };
  }
}
