/** Shared pieces of the fleet tests: a scenario literal, a recording proxy in front of an ACS, polling. */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Scenario, ScheduleSettings } from '../../src/scenario/scenario.js';

export function testScenario(acsUrl: string, over: Partial<Omit<Scenario, 'schedule'>> & { schedule?: Partial<ScheduleSettings> } = {}): Scenario {
  const { schedule, ...rest } = over;
  return {
    name: 'fleet-test',
    file: undefined,
    durationMs: 60_000,
    acs: { url: acsUrl, username: undefined, password: undefined, insecure: false, ca: undefined, requestTimeoutMs: 5000 },
    referenceAcs: { provision: false, maxConcurrentSessions: undefined },
    fleet: [{ profile: 'tr098', count: 1 }],
    seed: 1,
    ...rest,
    schedule: { periodicIntervalS: 3600, jitter: 0, rampMs: 0, ...schedule },
  };
}

export interface Hit {
  /** Date.now() when the request arrived. */
  at: number;
  remoteAddress: string;
  body: string;
}

export interface RecordingProxy {
  url: string;
  hits: Hit[];
  /** Requests whose body holds an Inform. */
  informs(): Hit[];
  close(): Promise<void>;
}

/**
 * Forwards every request to `target` (one upstream connection per client connection, so cookie and socket
 * sessions behave as without the proxy) and records when and from which address it came. `delayMs` holds each
 * answer back; `hold` never answers (a hung ACS).
 */
export async function recordingProxy(target: string, opts: { delayMs?: number; hold?: boolean } = {}): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const hits: Hit[] = [];
  const agents = new WeakMap<Socket, Agent>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      hits.push({ at: Date.now(), remoteAddress: req.socket.remoteAddress ?? '', body: body.toString('utf8') });
      if (opts.hold) return;
      let agent = agents.get(req.socket);
      if (!agent) agents.set(req.socket, (agent = new Agent({ keepAlive: true, maxSockets: 1 })));
      const forward = () => {
        const up = request(
          { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host }, agent },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        up.on('error', () => res.destroy());
        up.end(body);
      };
      if (opts.delayMs) setTimeout(forward, opts.delayMs);
      else forward();
    });
  });
  // Listen on every loopback address (127.0.0.0/8), so CPEs bound to 127.0.0.2 etc. can connect.
  await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    hits,
    informs: () => hits.filter((h) => h.body.includes('<cwmp:Inform>')),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Event codes of one recorded Inform body. */
export function informEvents(body: string): string[] {
  return [...body.matchAll(/<EventCode>([^<]*)<\/EventCode>/g)].map((m) => m[1]!);
}

/** The CPE index in a recorded Inform (the shipped profiles' serial is CPESIM + the index). */
export function informCpeIndex(body: string): number {
  const m = /<SerialNumber>CPESIM0*(\d+)<\/SerialNumber>/.exec(body);
  if (!m) throw new Error('no CPESIM serial number in the Inform');
  return Number(m[1]);
}
