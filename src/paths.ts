import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding cpesim's package.json, found from this module (works from src/ via tsc output in dist*). */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'profiles'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cpesim: cannot find the package root (package.json beside profiles/)');
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot();
export const PROFILES_DIR = join(PACKAGE_ROOT, 'profiles');
export const SCENARIOS_DIR = join(PACKAGE_ROOT, 'scenarios');
export const RESULTS_DIR = join(PACKAGE_ROOT, 'results');
/** The Broadband Forum schemas and data models, beside the project as ../shared/bbf (override: CPESIM_BBF_DIR). */
export const BBF_DIR = resolve(process.env.CPESIM_BBF_DIR ?? join(PACKAGE_ROOT, '..', 'shared', 'bbf'));
