/**
 * A real STUN server for the tests: Debian's coturn (`/usr/bin/turnserver`, installed by .ci/run) started as a child
 * process with command-line options only (no config file, STUN only: no relay, no TLS/DTLS, no CLI), listening on
 * 127.0.0.1 on a free port, logging to stdout. `startCoturn()` resolves once it answers a Binding Request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeStunMessage, encodeBindingRequest, looksLikeStun, newTransactionId, STUN_BINDING_SUCCESS } from '../../src/connreq/stun-codec.js';

export const TURNSERVER = '/usr/bin/turnserver';

export interface Coturn {
  host: string;
  port: number;
  /** What coturn printed so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * A port free right now on 127.0.0.1 for UDP and for TCP alike: coturn listens on both. It binds a moment later,
 * so a client connection of a test running meanwhile can still take the TCP port; startCoturn then tries again.
 */
async function freeUdpAndTcpPort(): Promise<number> {
  for (;;) {
    const probe = createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
    const { port } = probe.address();
    const tcp = createServer();
    const tcpFree = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (tcpFree) await new Promise<void>((resolve) => tcp.close(() => resolve()));
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    if (tcpFree) return port;
  }
}

/** One Binding Request to host:port; true when a success response came within `timeoutMs`. */
export async function stunAnswers(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const socket = createSocket('udp4');
  const transactionId = newTransactionId();
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      socket.on('message', (msg) => {
        if (!looksLikeStun(msg)) return;
        const decoded = decodeStunMessage(msg);
        if (decoded.type === STUN_BINDING_SUCCESS && decoded.transactionId.equals(transactionId)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      socket.send(encodeBindingRequest({ transactionId }), port, host, (err) => {
        if (err) {
          clearTimeout(timer);
          resolve(false);
        }
      });
    });
  } finally {
    socket.close();
  }
}

/** Attempts when coturn finds its port taken between the probe and its bind. */
const START_ATTEMPTS = 3;
const PORT_TAKEN = /Address already in use/;

export async function startCoturn(opts: { readyTimeoutMs?: number } = {}): Promise<Coturn> {
  try {
    await access(TURNSERVER, constants.X_OK);
  } catch {
    throw new Error(`coturn is missing: ${TURNSERVER} not found or not executable (Debian: apt-get install coturn; .ci/run installs it)`);
  }
  for (let attempt = 1; ; attempt++) {
    const started = await startOnFreePort(opts.readyTimeoutMs ?? 15_000);
    if ('port' in started) return started;
    if (attempt === START_ATTEMPTS || !PORT_TAKEN.test(started.failure)) throw new Error(started.failure);
  }
}

async function startOnFreePort(readyTimeoutMs: number): Promise<Coturn | { failure: string }> {
  const host = '127.0.0.1';
  const port = await freeUdpAndTcpPort();
  // pid file and user database in a private directory: nothing touches /var.
  const dir = await mkdtemp(join(tmpdir(), 'cpesim-coturn-'));
  const args = [
    '-n',
    `--listening-ip=${host}`,
    `--listening-port=${port}`,
    '--stun-only',
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--log-file=stdout',
    '--simple-log',
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    `--db=${join(dir, 'turndb')}`,
  ];
  const child: ChildProcess = spawn(TURNSERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d));
  child.stderr!.on('data', (d: Buffer) => (output += d));
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      exited = code;
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = performance.now() + readyTimeoutMs;
  while (performance.now() < deadline) {
    if (exited !== undefined) break;
    if (PORT_TAKEN.test(output)) break; // coturn keeps retrying its bind: give up on this port
    if (await stunAnswers(host, port, 500)) return { host, port, log: () => output, stop };
    await sleep(100);
  }
  await stop();
  return { failure: `coturn did not answer a STUN Binding Request on ${host}:${port} (exit ${String(exited)}):\n${output.slice(-2000)}` };
}
