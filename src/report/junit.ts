/**
 * junit.xml: one test case per threshold, so CI systems (GitLab, Jenkins, GitHub test reporters) show which
 * criterion a load test failed, with the measured value.
 */
import type { ThresholdResult } from '../metrics/threshold-eval.js';

export function junitXml(args: { suite: string; durationS: number; results: readonly ThresholdResult[]; timestamp: string }): string {
  const failures = args.results.filter((r) => !r.ok).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cpesim" tests="${args.results.length}" failures="${failures}" time="${args.durationS}">`,
    `  <testsuite name="${attr(args.suite)}" tests="${args.results.length}" failures="${failures}" errors="0" skipped="0" time="${args.durationS}" timestamp="${attr(args.timestamp)}">`,
  ];
  for (const r of args.results) {
    const open = `    <testcase classname="cpesim.thresholds.${attr(args.suite)}" name="${attr(r.expr)}" time="0"`;
    if (r.ok) {
      lines.push(`${open}>`, `      <system-out>${text(r.message)}</system-out>`, '    </testcase>');
    } else {
      lines.push(`${open}>`, `      <failure message="${attr(r.message)}" type="threshold">${text(r.message)}</failure>`, '    </testcase>');
    }
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

function text(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;');
}
