/**
 * Entry of the stub ACS child process (see StubAcsProcess): `node stub-acs-main.js PROFILE`. Sends `ready`
 * with its URL, answers `usage` with its CPU time and counters, stops on `close` or when the parent goes away.
 */
import { loadProfile } from '../src/datamodel/profile-loader.js';
import { parentChannel } from './child-process.js';
import { cpuMs } from './harness.js';
import { startMinimalAcs } from '../src/acs/minimal-acs.js';
import type { StubAcsMessage, StubAcsRequest } from './stub-acs-process.js';

const reply = parentChannel<StubAcsMessage>('stub-acs-main');
const acs = await startMinimalAcs(await loadProfile(process.argv[2] ?? 'tr181'));

async function stop(): Promise<void> {
  await acs.close();
  process.disconnect?.();
}

process.on('message', (message: StubAcsRequest) => {
  if (message.type === 'usage') reply({ type: 'usage', cpuMs: cpuMs(), stats: { ...acs.stats } });
  else void stop();
});
// The parent died or finished without `close`: nothing would ever stop this process otherwise.
process.on('disconnect', () => void acs.close());
reply({ type: 'ready', url: acs.url });
