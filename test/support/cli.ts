import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths.js';
import type { RunSummary } from '../../src/report/summary.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (dist/src/cli/main.js next to this compiled file) as a child process, with a hard time limit. */
export function runCli(
  args: string[],
  opts: { timeoutMs?: number; onStderr?: (stderrSoFar: string, kill: (signal: NodeJS.Signals) => void) => void } = {},
): Promise<CliRun> {
  const main = new URL('../../src/cli/main.js', import.meta.url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main.pathname, ...args], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      opts.onStderr?.(stderr, (signal) => child.kill(signal));
    });
    const limit = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A scenario for `cpesim run`: `lines` of YAML written to scenario.yaml in a new temp dir (results can go next to it). */
export async function writeScenario(prefix: string, lines: readonly string[]): Promise<{ dir: string; file: string }> {
  const dir = await tempDir(prefix);
  const file = join(dir, 'scenario.yaml');
  await writeFile(file, [...lines, ''].join('\n'));
  return { dir, file };
}

export async function readSummary(dir: string): Promise<RunSummary> {
  return JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary;
}
