/**
 * A minimal ACS: plain node:http, fixed response templates built once, and no XML parsing (a cwmp:ID found
 * by indexOf is all it reads). The benchmarks load the client against it (so what they measure is the
 * client), and each worker thread warms its JIT against a private one before power-on (src/fleet/warm-up.ts).
 * Two dialogues, chosen by the request path (one server serves both, so rounds can alternate freely):
 * - PLAIN_PATH: Inform → InformResponse (echoing the cwmp:ID), empty POST → 204.
 * - GPV_PATH:   Inform → InformResponse, empty POST → GetParameterValues of GPV_NAMES names of the
 *               profile, its response → 204.
 * Stateless (no cookies): every request says by itself where in the session it is.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildAcsMessage } from '../cwmp/build.js';
import type { CwmpVersion } from '../cwmp/messages.js';
import { DeviceModel } from '../datamodel/device-model.js';
import type { CompiledProfile } from '../datamodel/compiled-profile.js';

export const PLAIN_PATH = '/cwmp';
export const GPV_PATH = '/cwmp-gpv';
export const GPV_NAMES = 50;

export interface MinimalAcsStats {
  informs: number;
  emptyPosts: number;
  gpvSent: number;
  gpvAnswered: number;
  /** Sessions this ACS ended with 204. */
  ended: number;
  /** Requests that fit neither dialogue (answered 400): a benchmark with any of these is broken. */
  unexpected: number;
}

export interface MinimalAcs {
  readonly url: string;
  readonly stats: Readonly<MinimalAcsStats>;
  close(): Promise<void>;
}

const ID_OPEN = '<cwmp:ID';
const ID_CLOSE = '</cwmp:ID>';
const NAMESPACE = 'urn:dslforum-org:cwmp-1-';
/** `"urn:dslforum-org:cwmp-1-0#Inform"`, also unquoted. */
const INFORM_ACTION = /#Inform"?$/;
/** An Inform element under any namespace prefix (for requests without a SOAPAction). */
const INFORM_ELEMENT = /<(?:[\w.-]+:)?Inform[\s>]/;
const ID_MARK = '\u0000ID\u0000';
const XML_HEADERS = { 'content-type': 'text/xml; charset="utf-8"' };

/** A response envelope split around its cwmp:ID, per cwmp version (answered in the CPE's version). */
type Template = readonly [before: string, after: string];

function template(build: (version: CwmpVersion) => string): Template[] {
  return ([0, 1, 2, 3, 4] as const).map((v) => {
    const [before, after] = build(v).split(ID_MARK) as [string, string];
    return [before, after];
  });
}

/**
 * GPV_NAMES leaf names (all of them when the profile has fewer) spread evenly over the profile's whole tree (not
 * its first object only), as an ACS reading a device's status would ask for.
 */
export function gpvNames(profile: CompiledProfile): string[] {
  const all = new DeviceModel(profile, { index: 0, connectionRequestUrl: 'http://127.0.0.1:7547/', bootTimeMs: Date.now() })
    .getParameterValues([`${profile.root}.`])
    .map((p) => p.name);
  const count = Math.min(GPV_NAMES, all.length);
  return Array.from({ length: count }, (_, i) => all[Math.floor((i * all.length) / count)]!);
}

/** The cwmp:ID text of a CPE message, or '' (cheap: no parsing). */
function cwmpId(body: string): string {
  const open = body.indexOf(ID_OPEN);
  if (open < 0) return '';
  const start = body.indexOf('>', open) + 1;
  const end = body.indexOf(ID_CLOSE, start);
  return start > 0 && end > start ? body.slice(start, end) : '';
}

function cwmpVersionOf(body: string): CwmpVersion {
  const at = body.indexOf(NAMESPACE);
  const v = at < 0 ? 0 : body.charCodeAt(at + NAMESPACE.length) - 48;
  return (v >= 0 && v <= 4 ? v : 0) as CwmpVersion;
}

export async function startMinimalAcs(profile: CompiledProfile, host = '127.0.0.1'): Promise<MinimalAcs> {
  const informResponse = template((v) => buildAcsMessage({ method: 'InformResponse', maxEnvelopes: 1 }, { cwmpVersion: v, id: ID_MARK }));
  const names = gpvNames(profile);
  // An empty POST names no version: the ACS speaks the one the profile's CPEs inform with.
  const gpv = template((v) => buildAcsMessage({ method: 'GetParameterValues', parameterNames: names }, { cwmpVersion: v, id: ID_MARK }))[
    profile.cwmpVersion
  ]!;
  const stats: MinimalAcsStats = { informs: 0, emptyPosts: 0, gpvSent: 0, gpvAnswered: 0, ended: 0, unexpected: 0 };
  let gpvIds = 0;

  const answer = (res: ServerResponse, t: Template, id: string): void => {
    res.writeHead(200, XML_HEADERS).end(t[0] + id + t[1]);
  };
  const end = (res: ServerResponse): void => {
    stats.ended++;
    res.writeHead(204).end();
  };
  const reject = (res: ServerResponse): void => {
    stats.unexpected++;
    res.writeHead(400).end();
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const gpvMode = req.url === GPV_PATH;
    if (req.method !== 'POST' || (!gpvMode && req.url !== PLAIN_PATH)) return reject(res);
    if (body.length === 0) {
      stats.emptyPosts++;
      if (!gpvMode) return end(res);
      stats.gpvSent++;
      return answer(res, gpv, `gpv.${++gpvIds}`);
    }
    const version = cwmpVersionOf(body);
    const action = req.headers['soapaction'];
    // Some devices send no or an empty SOAPAction (a vendor quirk): then the body says it is an Inform.
    if (typeof action === 'string' && action.length > 2 ? INFORM_ACTION.test(action) : INFORM_ELEMENT.test(body)) {
      stats.informs++;
      return answer(res, informResponse[version]!, cwmpId(body));
    }
    if (gpvMode && body.includes('GetParameterValuesResponse>')) {
      stats.gpvAnswered++;
      return end(res);
    }
    reject(res);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8')));
  });
  // Idle keep-alive connections of finished sessions must not hold close() up.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
