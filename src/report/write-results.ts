/** results/<UTC timestamp>: sortable, one folder per run (the run id). */
export function defaultRunId(now: Date): string {
  return now.toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
}
