/**
 * The built-in ACS's connection requests follow the fleet's run: they stop when the fleet stops scheduling (the end
 * of `duration`, SIGINT/SIGTERM, an abortOnFail threshold), not when the results are in, so none is sent to CPEs
 * whose listeners are closing (they would count as failures of the ACS side).
 */
import type { ConnectionRequestDriver } from '../acs/connection-request-driver.js';
import type { ProgressSample } from '../fleet/run-fleet.js';
import type { RunControl } from '../fleet/run-control.js';

export class AcsRequestsWithRun {
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly driver: ConnectionRequestDriver,
    private readonly durationMs: number,
    control: RunControl,
  ) {
    this.unsubscribe = control.subscribe((command) => {
      if (command === 'stop') this.stop();
    });
  }

  /**
   * Each progress sample re-aims the stop at the run's end: `elapsedMs` leaves pauses out, so a paused run moves
   * it later (a sample while paused aims at nothing: the next one after resume does).
   */
  onProgress(sample: ProgressSample): void {
    if (sample.final || sample.startedAtEpochMs === undefined) {
      if (sample.final) void this.stop();
      return;
    }
    clearTimeout(this.timer);
    this.timer = sample.paused ? undefined : setTimeout(() => this.stop(), Math.max(0, this.durationMs - sample.elapsedMs));
  }

  /** Stops the requests (those in flight finish) and lets go of the run. */
  stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.unsubscribe();
    return this.driver.close();
  }
}
