/**
 * Run control for a caller of runFleet (a UI, a test, the signal handler): pause, resume and stop a running
 * fleet. Commands given before the shards are running are remembered: the run starts paused, or stops at once.
 */
export type RunCommand = 'pause' | 'resume' | 'stop';

export class RunControl {
  private state: 'running' | 'paused' | 'stopped' = 'running';
  private readonly listeners = new Set<(command: RunCommand) => void>();

  get paused(): boolean {
    return this.state === 'paused';
  }

  get stopped(): boolean {
    return this.state === 'stopped';
  }

  /** Schedule nothing new until resume(); running sessions go on. The paused time is left out of the schedule. */
  pause(): void {
    if (this.state === 'running') this.command('paused', 'pause');
  }

  resume(): void {
    if (this.state === 'paused') this.command('running', 'resume');
  }

  /** Stop scheduling; running sessions get the grace period, then the results are gathered. */
  stop(): void {
    if (this.state !== 'stopped') this.command('stopped', 'stop');
  }

  /** runFleet's side: be told of every command; returns the unsubscribe function. */
  subscribe(listener: (command: RunCommand) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private command(state: RunControl['state'], command: RunCommand): void {
    this.state = state;
    for (const listener of this.listeners) listener(command);
  }
}
