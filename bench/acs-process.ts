/**
 * The reference ACS (provisioning off) in a child process of fleet.bench, so that the bench process's
 * CPU time is the client side's alone and the ACS's CPU can be read separately. Talks over the IPC
 * channel of child_process.fork: sends `ready` with its URL, answers `usage`, stops on `close` or when
 * the parent goes away.
 */
import { startReferenceAcs, type AcsStats } from '../src/acs/server.js';
import { CpesimError } from '../src/errors.js';
import { cpuMs } from './harness.js';

export type AcsProcessRequest = { type: 'usage' } | { type: 'close' };
export type AcsProcessMessage = { type: 'ready'; url: string } | { type: 'usage'; cpuMs: number; stats: AcsStats };

const send = process.send?.bind(process);
if (!send) throw new CpesimError('CPESIM_BENCH_NO_IPC', 'acs-process must be started with child_process.fork');
const reply = (message: AcsProcessMessage): void => void send(message);

const acs = await startReferenceAcs({ provision: false });

async function stop(): Promise<void> {
  await acs.close();
  process.disconnect?.();
}

process.on('message', (message: AcsProcessRequest) => {
  if (message.type === 'usage') reply({ type: 'usage', cpuMs: cpuMs(), stats: { ...acs.stats } });
  else void stop();
});
// The parent died or finished without `close`: nothing would ever stop this process otherwise.
process.on('disconnect', () => void acs.close());
reply({ type: 'ready', url: acs.url });
