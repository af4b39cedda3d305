/**
 * Writes the shipped profiles (profiles/<name>.yaml for each gateway spec) and the BBF licence
 * notice they need beside them. Deterministic: the same BBF files give byte-identical output.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_PROFILES } from './gateway-profiles.js';
import { buildProfileYaml } from './profile-builder.js';
import type { ProfileSpec } from './profile-spec.js';
import { readBbfDataModel } from './reader.js';
import { mountServiceModel } from './service-mount.js';

export interface GeneratedProfile {
  profile: string;
  file: string;
  parameterCount: number;
  objectCount: number;
}

/** The licence notice file shipped in profiles/, a copy of the BBF directory's LICENSE. */
export const BBF_LICENSE_FILE = 'BBF-LICENSE';

export function generateProfiles(outDir: string, bbfDir: string, specs: readonly ProfileSpec[] = GATEWAY_PROFILES): GeneratedProfile[] {
  mkdirSync(outDir, { recursive: true });
  // Content copy, not copyFileSync: the shared original is read-only and its mode must not follow.
  writeFileSync(join(outDir, BBF_LICENSE_FILE), readFileSync(join(bbfDir, 'LICENSE')));
  return specs.map((spec) => {
    const model = readBbfDataModel(join(bbfDir, spec.source));
    const rooted = spec.serviceCountParameter === undefined ? model : mountServiceModel(model, spec.root, spec.serviceCountParameter);
    const built = buildProfileYaml(rooted, spec);
    const file = join(outDir, `${spec.profile}.yaml`);
    writeFileSync(file, built.yaml);
    return { profile: spec.profile, file, parameterCount: built.parameterCount, objectCount: built.objectCount };
  });
}
