/**
 * The Dockerfile cannot be built here (no Docker engine): check what a build would trip over — every path it COPYs
 * from the context exists and is not in .dockerignore, it runs as a non-root user, and its ENTRYPOINT reaches the
 * file the TypeScript build produces.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { PACKAGE_ROOT } from '../../src/paths.js';

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; rest: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), rest: rest.join(' ') };
    });
}

test('Dockerfile: node:20-slim, COPY sources exist and are in the context, non-root, ENTRYPOINT cpesim -> the built CLI', () => {
  const steps = instructions(readFileSync(join(PACKAGE_ROOT, 'Dockerfile'), 'utf8'));
  const ignored = readFileSync(join(PACKAGE_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const froms = steps.filter((s) => s.op === 'FROM');
  assert.ok(froms.length >= 1 && froms.every((s) => s.rest.startsWith('node:20-slim')), 'based on node:20-slim');

  const contextCopies = steps.filter((s) => s.op === 'COPY' && !s.rest.startsWith('--from='));
  assert.ok(contextCopies.length >= 4);
  for (const { rest } of contextCopies) {
    const sources = rest.split(/\s+/).slice(0, -1);
    for (const src of sources) {
      assert.ok(existsSync(join(PACKAGE_ROOT, src)), `COPY ${src}: no such path`);
      const top = src.replace(/^\.\//, '').split('/')[0]!;
      assert.ok(!ignored.includes(top), `COPY ${src}: excluded by .dockerignore`);
    }
  }
  // tsc's outDir is what the runtime stage copies from (/app/dist/src).
  const tsconfig = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: { outDir: string } };
  assert.ok(steps.some((s) => s.op === 'COPY' && s.rest.includes(`/app/${tsconfig.compilerOptions.outDir}/src `)));

  const users = steps.filter((s) => s.op === 'USER');
  assert.ok(users.length > 0 && !['root', '0'].includes(users.at(-1)!.rest), 'the last USER is not root');
  assert.equal(steps.filter((s) => s.op === 'ENTRYPOINT').at(-1)?.rest, '["cpesim"]');
  const link = /ln -s \/app\/(\S+) \/usr\/local\/bin\/cpesim/.exec(steps.filter((s) => s.op === 'RUN').map((s) => s.rest).join(' '));
  assert.ok(link, 'cpesim is linked onto the PATH');
  assert.equal(link[1], `${tsconfig.compilerOptions.outDir}/src/cli/main.js`);
  // This test runs from the same build: the CLI file exists and can run as an executable through the link.
  const built = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  assert.ok(existsSync(built), `${built} not produced by the build`);
  assert.match(readFileSync(built, 'utf8'), /^#!\/usr\/bin\/env node\n/);
});
