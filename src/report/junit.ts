/**
 * junit.xml: one test case per threshold, so CI systems (GitLab, Jenkins, GitHub test reporters) show which
 * criterion a load test failed, with the measured value; one failed test case per other reason the run failed (no
 * session completed, a shard died), so a run that exits 1 never reads as green; summary.json's warnings (e.g. the
 * simulator was the bottleneck) as the suite's output.
 */
import type { ThresholdResult } from '../metrics/threshold-eval.js';

export function junitXml(args: {
  suite: string;
  durationS: number;
  results: readonly ThresholdResult[];
  timestamp: string;
  /** Why the run failed apart from its thresholds (RunOutcome.failures without the threshold ones). */
  runFailures?: readonly string[];
  warnings?: readonly string[];
}): string {
  const runFailures = args.runFailures ?? [];
  const tests = args.results.length + runFailures.length;
  const failures = args.results.filter((r) => !r.ok).length + runFailures.length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cpesim" tests="${tests}" failures="${failures}" time="${args.durationS}">`,
    `  <testsuite name="${attr(args.suite)}" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="${args.durationS}" timestamp="${attr(args.timestamp)}">`,
  ];
  for (const r of args.results) {
    const open = `    <testcase classname="cpesim.thresholds.${attr(args.suite)}" name="${attr(r.expr)}" time="0"`;
    if (r.ok) {
      lines.push(`${open}>`, `      <system-out>${text(r.message)}</system-out>`, '    </testcase>');
    } else {
      lines.push(`${open}>`, `      <failure message="${attr(r.message)}" type="threshold">${text(r.message)}</failure>`, '    </testcase>');
    }
  }
  for (const f of runFailures) {
    lines.push(
      `    <testcase classname="cpesim.run.${attr(args.suite)}" name="${attr(f)}" time="0">`,
      `      <failure message="${attr(f)}" type="run">${text(f)}</failure>`,
      '    </testcase>',
    );
  }
  if (args.warnings && args.warnings.length > 0) lines.push(`    <system-out>${text(args.warnings.map((w) => `WARNING: ${w}`).join('\n'))}</system-out>`);
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

function text(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;');
}
