/**
 * Regenerates profiles/tr098.yaml, profiles/tr181.yaml and profiles/BBF-LICENSE from the Broadband
 * Forum data models in BBF_DIR. Run after building: node dist/scripts/generate-profiles.js [--out DIR]
 */
import { BBF_DIR, PROFILES_DIR } from '../src/paths.js';
import { generateProfiles } from '../src/bbf/generate.js';
import { GATEWAY_PROFILES } from '../src/bbf/gateway-profiles.js';
import { SERVICE_PROFILES } from '../src/bbf/service-profiles.js';
import { CpesimError } from '../src/errors.js';

function outDirFromArgs(argv: readonly string[]): string {
  const at = argv.indexOf('--out');
  if (at === -1) return PROFILES_DIR;
  const dir = argv[at + 1];
  if (!dir) throw new CpesimError('CPESIM_USAGE', 'usage: generate-profiles [--out DIR]');
  return dir;
}

try {
  for (const p of generateProfiles(outDirFromArgs(process.argv.slice(2)), BBF_DIR, [...GATEWAY_PROFILES, ...SERVICE_PROFILES])) {
    console.log(`${p.file}: ${p.objectCount} objects, ${p.parameterCount} parameters`);
  }
} catch (err) {
  console.error(err instanceof CpesimError ? `${err.code}: ${err.message}` : err);
  process.exitCode = 1;
}
