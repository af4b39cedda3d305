/** The one table of process exit codes (README "Exit codes" mirrors it). */
export const EXIT = {
  /** The run completed and passed: every threshold met (compare: no regression). */
  ok: 0,
  /**
   * The run failed: a threshold not met (at the end, or abortOnFail during the run), no session completed, or a
   * worker thread died; `cpesim compare`: the candidate regressed.
   */
  runFailed: 1,
  /** Bad usage or configuration (CLI flags, scenario, threshold expression, profile, unreadable input): nothing was run. */
  usage: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
