/**
 * A benchmark's helper process (the stub ACS, one memory sample) over child_process.fork's IPC channel:
 * the parent's side (BenchChild) and the child's (parentChannel). Separate processes keep the measured
 * process's CPU time and RSS its own. Every wait is bounded: a child that hangs is killed, not waited for.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { CpesimError } from '../src/errors.js';

export class BenchChild<Request, Message> {
  private readonly inbox: Message[] = [];
  private readonly waiting: ((m: Message) => void)[] = [];
  private exitError: CpesimError | undefined;
  private readonly failures: ((err: CpesimError) => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly label: string,
  ) {
    child.on('message', (m: Message) => {
      const w = this.waiting.shift();
      if (w) w(m);
      else this.inbox.push(m);
    });
    child.once('exit', (code, signal) => this.fail(new CpesimError('CPESIM_BENCH_CHILD_EXIT', `${label}: exited (${code ?? signal})`)));
    child.once('error', (err) => this.fail(new CpesimError('CPESIM_BENCH_CHILD_EXIT', `${label}: ${err.message}`, { cause: err })));
  }

  /** Forks `module` (a compiled .js next to this file) with `args`; `execArgv` e.g. ['--expose-gc']. */
  static start<Request, Message>(module: URL, args: string[], execArgv: string[] = []): BenchChild<Request, Message> {
    const child = fork(module, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new BenchChild<Request, Message>(child, `${module.pathname.split('/').pop()} ${args.join(' ')}`.trim());
  }

  /** Forks a child that sends one result and exits (a bench sample): that result, or the child's failure or timeout. */
  static async result<Message>(module: URL, args: string[], timeoutMs: number, execArgv: string[] = []): Promise<Message> {
    const child = BenchChild.start<never, Message>(module, args, execArgv);
    try {
      return await child.next(timeoutMs);
    } finally {
      await child.exited(5_000);
    }
  }

  /** The child's next message; rejects when the child exits first or `timeoutMs` passes (then the child is killed). */
  next(timeoutMs: number): Promise<Message> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.exitError) return Promise.reject(this.exitError);
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill();
        reject(new CpesimError('CPESIM_BENCH_TIMEOUT', `${this.label}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = (): void => {
        clearTimeout(timer);
        this.waiting.splice(this.waiting.indexOf(onMessage), 1);
        this.failures.splice(this.failures.indexOf(onFailure), 1);
      };
      const onMessage = (m: Message): void => {
        settle();
        resolve(m);
      };
      const onFailure = (err: CpesimError): void => {
        settle();
        reject(err);
      };
      this.waiting.push(onMessage);
      this.failures.push(onFailure);
    });
  }

  /** Sends a request and waits for the child's answer (the child answers requests in order). */
  request(request: Request, timeoutMs: number): Promise<Message> {
    const answer = this.next(timeoutMs);
    this.child.send(request as object);
    return answer;
  }

  send(request: Request): void {
    this.child.send(request as object);
  }

  /** Waits up to `timeoutMs` for the child to exit on its own (after a close request), then kills it. */
  async exited(timeoutMs: number): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.kill();
        resolve();
      }, timeoutMs);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private fail(err: CpesimError): void {
    this.exitError ??= err;
    for (const f of [...this.failures]) f(err);
  }
}

/** The child's side: a typed send to the parent. Throws when the process was not forked with IPC. */
export function parentChannel<Message>(who: string): (message: Message) => void {
  const send = process.send?.bind(process);
  if (!send) throw new CpesimError('CPESIM_BENCH_NO_IPC', `${who} must be started with child_process.fork (by a benchmark)`);
  return (message) => void send(message as object);
}
