/**
 * A real XMPP server for tests: Debian's prosody (0.12), started as a child process with a generated config in a
 * temp dir. Only c2s on a free 127.0.0.1 port (no s2s, HTTP, components or direct TLS), file storage in the temp
 * dir, one virtual host, the accounts registered beforehand with prosodyctl, and plain authentication without TLS
 * (loopback only: `c2s_require_encryption = false`, `allow_unencrypted_plain_auth = true`). CI installs prosody
 * (.ci/run); when it is missing the test fails with a message saying so (nothing is skipped).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const PROSODY = '/usr/bin/prosody';
export const PROSODYCTL = '/usr/bin/prosodyctl';

export interface ProsodyAccount {
  username: string;
  password: string;
}

export interface Prosody {
  host: '127.0.0.1';
  port: number;
  /** The virtual host (XMPP domain). */
  domain: string;
  /** Registers more accounts while the server runs (prosodyctl against the same config and data). */
  register(accounts: readonly ProsodyAccount[]): Promise<void>;
  /** Kills the server and starts it again on the same port with the same accounts (clients see their session lost). */
  restart(): Promise<void>;
  /** What prosody logged so far (for failure messages). */
  log(): Promise<string>;
  /** Kills the server, waits for it to exit and removes the temp dir. */
  stop(): Promise<void>;
}

/** Starts prosody with `accounts` registered; resolves once its c2s port accepts connections. */
export async function startProsody(opts: { domain?: string; accounts?: readonly ProsodyAccount[] } = {}): Promise<Prosody> {
  if (!existsSync(PROSODY) || !existsSync(PROSODYCTL)) {
    throw new Error(`${PROSODY} is not installed: install Debian's "prosody" package (.ci/run does) to run the XMPP connection-request tests`);
  }
  const domain = opts.domain ?? 'cpesim.test';
  const dir = await mkdtemp(join(tmpdir(), 'cpesim-prosody-'));
  const config = join(dir, 'prosody.cfg.lua');
  const logFile = join(dir, 'prosody.log');
  const registerAll = async (accounts: readonly ProsodyAccount[]) => {
    for (const a of accounts) {
      // The password goes in on the command line: test accounts only.
      const r = spawnSync(PROSODYCTL, ['--config', config, 'register', a.username, domain, a.password], { encoding: 'utf8', timeout: 30_000 });
      if (r.status !== 0) throw new Error(`prosodyctl register ${a.username}@${domain} failed (${r.status ?? r.signal}): ${r.stderr}${r.stdout}`);
    }
  };
  // A port that was free a moment ago can be taken before prosody binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFile(config, prosodyConfig({ dir, port, domain, logFile }));
    if (attempt === 1) await registerAll(opts.accounts ?? []);
    let server = await spawnProsody(config, port);
    if (server.up) {
      return {
        host: '127.0.0.1',
        port,
        domain,
        register: registerAll,
        restart: async () => {
          await server.stop();
          server = await spawnProsody(config, port);
          if (!server.up) throw new Error(`prosody did not come back on 127.0.0.1:${port}:\n${server.stderr()}`);
        },
        log: () => readFile(logFile, 'utf8').catch(() => ''),
        stop: async () => {
          await server.stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    await server.stop();
    const stderr = server.stderr();
    const log = await readFile(logFile, 'utf8').catch(() => '');
    if (attempt >= 3 || !/port .* in use|Failed to open server port/i.test(log)) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`prosody did not start listening on 127.0.0.1:${port}:\n${stderr}\n${log}`);
    }
  }
}

/** Runs prosody on `config`; `up` once its port accepts connections (false when it exited or never listened). */
async function spawnProsody(config: string, port: number): Promise<{ up: boolean; stderr(): string; stop(): Promise<void> }> {
  const child = spawn(PROSODY, ['--config', config, '-F'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', () => {}); // a spawn failure shows as the exit below
  const up = await Promise.race([waitForPort(port, 20_000), exited.then(() => false)]);
  return { up, stderr: () => stderr, stop: () => stopChild(child, exited) };
}

/** A prosody 0.12 config for one c2s port on loopback and nothing else. */
function prosodyConfig(c: { dir: string; port: number; domain: string; logFile: string }): string {
  const q = (s: string) => JSON.stringify(s); // a Lua string literal for these plain paths
  return `-- generated by cpesim test/support/prosody.ts
pidfile = ${q(join(c.dir, 'prosody.pid'))}
data_path = ${q(join(c.dir, 'data'))}
certificates = ${q(c.dir)}
-- the tests run as root in containers; prosody refuses that unless told
run_as_root = true
log = { { levels = { min = "info" }, to = "file", filename = ${q(c.logFile)} } }
interfaces = { "127.0.0.1" }
c2s_interfaces = { "127.0.0.1" }
c2s_ports = { ${c.port} }
c2s_direct_tls_ports = { }
legacy_ssl_ports = { }
s2s_ports = { }
http_ports = { }
https_ports = { }
component_ports = { }
modules_enabled = { "saslauth", "ping", "posix" }
modules_disabled = { "s2s", "tls", "offline", "c2s_stream_management" }
authentication = "internal_plain"
storage = "internal"
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
VirtualHost ${q(c.domain)}
`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves true once 127.0.0.1:port accepts a TCP connection, false after `timeoutMs`. */
async function waitForPort(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return true;
    await sleep(100);
  }
  return false;
}

/** SIGTERM, then SIGKILL if it does not exit within 5 s; waits for the exit either way. */
async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(5000, false)]);
  if (!done) {
    child.kill('SIGKILL');
    await exited;
  }
}
