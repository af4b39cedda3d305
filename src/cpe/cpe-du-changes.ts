/**
 * The deployment-unit changes of one CPE as the CPE sees them: the ACS's ChangeDUStates and the CPE's own
 * (autonomous) changes go into its DuStateQueue; each change carried out is reported (DUStateChangeComplete +
 * "11 DU STATE CHANGE COMPLETE" + "M ChangeDUState", or AutonomousDUStateChangeComplete + "12 ..."), and the
 * unreported ones are kept for a state file once the CPE stops. Separate from du-state.ts (the operations on the
 * SoftwareModules tree, which know nothing of a CPE) and from VirtualCpe (the session loop): created on a CPE's
 * first change, so a CPE that never had one holds nothing of this.
 */
import { CwmpFault } from '../cwmp/faults.js';
import type { ChangeDuStateRequest, DuOperation, DuOpResult } from '../cwmp/messages.js';
import { fileServerAccess } from './cpe-environment.js';
import { DuStateQueue } from './du-state.js';
import type { VirtualCpe } from './virtual-cpe.js';

export class CpeDuChanges {
  private readonly cpe: VirtualCpe;
  private readonly queue: DuStateQueue;
  /** ChangeDUStates accepted but not yet reported when the CPE was stopped (stopping forgets them). */
  private unfinishedAtStop: ChangeDuStateRequest[] | undefined;

  constructor(cpe: VirtualCpe) {
    this.cpe = cpe;
    this.queue = new DuStateQueue({
      model: cpe.model,
      root: cpe.env.profile.root,
      access: fileServerAccess(cpe.env, cpe.acs),
      onDone: (done, results, autonomous) => (autonomous ? this.autonomousChanged(done, results) : this.changed(done, results)),
    });
  }

  /** A ChangeDUState received in the running session: validated now (CwmpFault), carried out after the session. */
  accept(req: ChangeDuStateRequest): void {
    this.queue.accept(req);
  }

  /** A change of the CPE's own, now; a device without a SoftwareModules table cannot: counted as an error. */
  startAutonomous(op: DuOperation): void {
    try {
      this.queue.startAutonomous({ method: 'ChangeDUState', operations: [op] });
    } catch (err) {
      if (!(err instanceof CwmpFault)) throw err;
      this.cpe.env.observer.error('internal', `CPE ${this.cpe.index}: autonomous ${op.op} not possible: ${err.message}`);
    }
  }

  /** The session ended: the ChangeDUStates accepted in it start. */
  sessionEnded(): void {
    this.queue.sessionEnded();
  }

  /** The ACS's ChangeDUStates not yet reported (after stop(): those not reported when it stopped). */
  requests(): ChangeDuStateRequest[] {
    return this.unfinishedAtStop ?? this.queue.requests();
  }

  async stop(): Promise<void> {
    const unfinished = this.queue.requests();
    if (unfinished.length > 0) this.unfinishedAtStop = unfinished;
    await this.queue.stop();
  }

  /** A ChangeDUState was carried out: DUStateChangeComplete with "11 DU STATE CHANGE COMPLETE" + "M ChangeDUState". */
  private changed(req: ChangeDuStateRequest, results: DuOpResult[]): void {
    if (this.cpe.stopped) return;
    this.cpe.raiseCpeInitiated(
      { method: 'DUStateChangeComplete', results, ...(req.commandKey !== undefined ? { commandKey: req.commandKey } : {}) },
      { code: 'M ChangeDUState', commandKey: req.commandKey ?? '' },
    );
  }

  /**
   * An autonomous change was carried out: AutonomousDUStateChangeComplete with "12 AUTONOMOUS DU STATE CHANGE
   * COMPLETE" (cwmp-1-2+, where the message exists; an older CPE changes its units and says nothing).
   */
  private autonomousChanged(req: ChangeDuStateRequest, results: DuOpResult[]): void {
    if (this.cpe.stopped || this.cpe.env.profile.cwmpVersion < 2) return;
    const op = req.operations[0]!.op;
    this.cpe.raiseCpeInitiated({ method: 'AutonomousDUStateChangeComplete', results: results.map((r) => ({ ...r, operationPerformed: op })) });
  }
}
