import { startReferenceAcs } from '../acs/server.js';
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
}

/** `cpesim acs`: the reference ACS on its own, until SIGINT/SIGTERM. */
export async function acsCommand(args: AcsCommandArgs): Promise<ExitCode> {
  const acs = await startReferenceAcs({
    host: args.host,
    port: args.port,
    auth: args.auth === 'none' ? undefined : { scheme: args.auth, username: args.username ?? 'acs', password: args.password ?? 'acs' },
    maxConcurrentSessions: args.maxSessions,
    provision: args.provision
      ? { connectionRequestUsername: 'cpesim', connectionRequestPassword: 'cpesim', periodicInformInterval: args.periodicInterval }
      : false,
  });
  process.stderr.write(`cpesim reference ACS listening on ${acs.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await acs.close();
  const s = acs.stats;
  process.stderr.write(`reference ACS stopped: ${JSON.stringify(s)}\n`);
  return EXIT.ok;
}
