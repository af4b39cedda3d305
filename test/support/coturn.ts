/**
 * A real STUN server for the tests: Debian's coturn (`/usr/bin/turnserver`, installed by .ci/run) started as a child
 * process with command-line options only (no config file, STUN only: no relay, no TLS/DTLS, no CLI), listening on
 * 127.0.0.1 on a free port, logging to stdout. `startCoturn()` resolves once it answers a Binding Request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { createSocket } from 'node:dgram';
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

/** A UDP port free right now on 127.0.0.1 (coturn binds it a moment later; a clash fails the start clearly). */
async function freeUdpPort(): Promise<number> {
  const probe = createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
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

export async function startCoturn(opts: { readyTimeoutMs?: number } = {}): Promise<Coturn> {
  try {
    await access(TURNSERVER, constants.X_OK);
  } catch {
    throw new Error(`coturn is missing: ${TURNSERVER} not found or not executable (Debian: apt-get install coturn; .ci/run installs it)`);
  }
  const host = '127.0.0.1';
  const port = await freeUdpPort();
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
  const deadline = performance.now() + (opts.readyTimeoutMs ?? 15_000);
  while (performance.now() < deadline) {
    if (exited !== undefined) break;
    if (await stunAnswers(host, port, 500)) return { host, port, log: () => output, stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`coturn did not answer a STUN Binding Request on ${host}:${port} (exit ${String(exited)}):\n${output.slice(-2000)}`);
}
