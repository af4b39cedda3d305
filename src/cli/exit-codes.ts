/** The one table of process exit codes (README "Exit codes" mirrors it). */
export const EXIT = {
  /** The run completed and nothing failed. */
  ok: 0,
  /** The run failed: thresholds not met, no session completed, or the engine failed. */
  runFailed: 1,
  /** Bad usage or configuration (CLI flags, scenario, profile): nothing was run. */
  usage: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
