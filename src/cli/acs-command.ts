import { startReferenceAcs } from '../acs/server.js';
import { parseDurationMs } from '../config/duration.js';
import {
  ConnectionRequestSettingError,
  resolveDriverSettings,
  type ConnectionRequestDriverSettings,
  type DeviceSelection,
  type DriverSettingsInput,
} from '../acs/connection-request-settings.js';
import type { AcsXmppSettings } from '../acs/xmpp-connection-request.js';
import { ConfigError } from '../errors.js';
import { parseHostPort } from '../config/host-port.js';
import { EXIT, type ExitCode } from './exit-codes.js';

export interface AcsCommandArgs {
  port: number;
  host: string;
  username?: string | undefined;
  password?: string | undefined;
  auth: 'none' | 'basic' | 'digest';
  maxSessions?: number | undefined;
  provision: boolean;
  periodicInterval: number;
  /** `--cr-*`: send connection requests at this rate (none without it). */
  crRate?: string | undefined;
  crTransport?: string | undefined;
  crSelect?: DeviceSelection | undefined;
  crStartAfter?: string | undefined;
  crMaxInFlight?: number | undefined;
  crTimeout?: string | undefined;
  crSeed?: number | undefined;
  /** `--xmpp-*`: the ACS's XMPP account, for `--cr-transport xmpp`. */
  xmppServer?: string | undefined;
  xmppDomain?: string | undefined;
  xmppUsername?: string | undefined;
  xmppPassword?: string | undefined;
}

/** The `--cr-*` flags as driver settings (undefined without --cr-rate); a bad value is a ConfigError naming its flag. */
export function acsConnectionRequestSettings(args: AcsCommandArgs): ConnectionRequestDriverSettings | undefined {
  if (args.crRate === undefined) {
    const stray = (['crTransport', 'crSelect', 'crStartAfter', 'crMaxInFlight', 'crTimeout', 'crSeed'] as const).find((k) => args[k] !== undefined);
    if (stray) throw new ConfigError('needs --cr-rate (the connection requests are off without it)', { field: `--${flagName(stray)}` });
    return undefined;
  }
  const ms = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const value = parseDurationMs(text);
    if (value === undefined) throw new ConfigError(`"${text}" is not a duration (examples: 500ms, 5s, 1m)`, { field: `--${name}` });
    return value;
  };
  /** The flag of each setting. */
  const FLAG: Record<keyof DriverSettingsInput, string> = {
    rate: 'cr-rate',
    transport: 'cr-transport',
    select: 'cr-select',
    startAfterMs: 'cr-start-after',
    maxInFlight: 'cr-max-in-flight',
    timeoutMs: 'cr-timeout',
    seed: 'cr-seed',
  };
  let settings: ConnectionRequestDriverSettings;
  try {
    settings = resolveDriverSettings(
      {
        rate: args.crRate,
        transport: args.crTransport,
        select: args.crSelect,
        startAfterMs: ms('cr-start-after', args.crStartAfter),
        maxInFlight: args.crMaxInFlight,
        timeoutMs: ms('cr-timeout', args.crTimeout),
        seed: args.crSeed,
      },
      // On its own the ACS does not know when a fleet comes: requests start at once, skipped until devices inform.
      { startAfterMs: 0, seed: 1 },
    );
  } catch (err) {
    if (err instanceof ConnectionRequestSettingError) throw new ConfigError(err.message, { field: `--${FLAG[err.setting ?? 'rate']}` });
    throw err;
  }
  if (!args.provision) throw new ConfigError('connection requests need provisioning (they carry the credentials the ACS sets): drop --no-provision', { field: '--cr-rate' });
  if (settings.transports.xmpp && args.xmppServer === undefined) throw new ConfigError('transport xmpp needs --xmpp-server, --xmpp-domain, --xmpp-username and --xmpp-password', { field: '--cr-transport' });
  return settings;
}

/** The `--xmpp-*` flags as the ACS's XMPP account (undefined without --xmpp-server). */
export function acsXmppSettings(args: AcsCommandArgs): AcsXmppSettings | undefined {
  if (args.xmppServer === undefined) return undefined;
  const server = parseHostPort(args.xmppServer, 5222);
  if (!server) throw new ConfigError(`"${args.xmppServer}" is not host:port (example: 127.0.0.1:5222)`, { field: '--xmpp-server' });
  for (const [name, value] of [['xmpp-domain', args.xmppDomain], ['xmpp-username', args.xmppUsername], ['xmpp-password', args.xmppPassword]] as const) {
    if (value === undefined) throw new ConfigError('is required with --xmpp-server', { field: `--${name}` });
  }
  return { ...server, domain: args.xmppDomain!, username: args.xmppUsername!, password: args.xmppPassword! };
}

/** crMaxInFlight → cr-max-in-flight */
function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `cpesim acs`: the reference ACS on its own, until SIGINT/SIGTERM. */
export async function acsCommand(args: AcsCommandArgs): Promise<ExitCode> {
  const connectionRequests = acsConnectionRequestSettings(args);
  const xmpp = acsXmppSettings(args);
  const acs = await startReferenceAcs({
    host: args.host,
    port: args.port,
    auth: args.auth === 'none' ? undefined : { scheme: args.auth, username: args.username ?? 'acs', password: args.password ?? 'acs' },
    maxConcurrentSessions: args.maxSessions,
    provision: args.provision
      ? // A username per CPE: UDP connection requests (Annex G) name the CPE by it.
        { connectionRequestUsername: 'cpesim-{serial}', connectionRequestPassword: 'cpesim', periodicInformInterval: args.periodicInterval }
      : false,
    connectionRequests,
    xmpp,
  });
  process.stderr.write(`cpesim reference ACS listening on ${acs.url}\n`);
  if (connectionRequests) {
    process.stderr.write(`sending connection requests at ${connectionRequests.ratePerS}/s (${Object.entries(connectionRequests.transports).map(([t, w]) => `${t} ${w}`).join(', ')})\n`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await acs.close();
  const s = acs.stats;
  process.stderr.write(`reference ACS stopped: ${JSON.stringify(s)}\n`);
  const driver = acs.connectionRequestDriver;
  if (driver) process.stderr.write(`reference ACS connection requests: ${JSON.stringify(driver.report())}\n`);
  return EXIT.ok;
}
