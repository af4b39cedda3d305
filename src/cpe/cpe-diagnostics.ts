/**
 * The diagnostics of one CPE as the CPE sees them: an SPV that requests, cancels or changes a test creates its
 * Diagnostics; the host they run against (the CPE's HTTP settings, a session when results are due, simulator errors
 * counted); results due are written before an Inform, which then carries "8 DIAGNOSTICS COMPLETE". Separate from
 * diagnostics.ts (the tests themselves) and from VirtualCpe (the session loop); the host and its Diagnostics exist
 * only while the CPE has tests requested or running.
 */
import type { ParameterValue } from '../cwmp/messages.js';
import type { DeviceModel } from '../datamodel/device-model.js';
import { fileServerAccess } from './cpe-environment.js';
import { Diagnostics, DIAGNOSTICS_COMPLETE_EVENT, touchesDiagnostics, type DiagnosticsHost } from './diagnostics.js';
import type { EventQueue } from './event-queue.js';
import type { VirtualCpe } from './virtual-cpe.js';

/** What a CPE's Diagnostics need from it. */
class CpeDiagnosticsHost implements DiagnosticsHost {
  private readonly cpe: VirtualCpe;
  readonly diagnostics: Diagnostics;

  constructor(cpe: VirtualCpe) {
    this.cpe = cpe;
    this.diagnostics = new Diagnostics(this, cpe.env.profile.root);
  }

  get model(): DeviceModel {
    return this.cpe.model;
  }

  get index(): number {
    return this.cpe.index;
  }

  /** The CPE's HTTP settings for the Download/Upload diagnostics (its file-transfer bounds and trust). */
  get http(): DiagnosticsHost['http'] {
    const { limits, ...trust } = fileServerAccess(this.cpe.env, this.cpe.acs);
    return { timeoutMs: limits.requestTimeoutMs, maxBytes: limits.maxBytes, ...trust };
  }

  /** A diagnostic's results are due: a session then (during a session, the CPE's afterSession reports it instead). */
  diagnosticReady(): void {
    const { cpe } = this;
    if (cpe.stopped || cpe.inSession) return;
    const dueMs = this.diagnostics.nextDueMs();
    if (dueMs !== undefined) cpe.env.requestSession?.(Math.max(dueMs, cpe.offlineForMs()), cpe);
  }

  diagnosticFailed(message: string): void {
    this.cpe.env.observer.error('internal', `CPE ${this.cpe.index}: ${message}`);
  }
}

/**
 * An applied SetParameterValues that requested, canceled or changed a diagnostic: returns the CPE's Diagnostics
 * (created when it had none) after they took note; `current` unchanged when the SPV touched no diagnostics object.
 */
export function diagnosticsSet(cpe: VirtualCpe, current: Diagnostics | undefined, list: readonly ParameterValue[]): Diagnostics | undefined {
  if (!touchesDiagnostics(cpe.env.profile.root, list)) return current;
  const diagnostics = current ?? new CpeDiagnosticsHost(cpe).diagnostics;
  diagnostics.acsSet(list);
  return diagnostics;
}

/**
 * Diagnostics whose results are due write them now, and this session's Inform carries "8 DIAGNOSTICS COMPLETE";
 * returns the Diagnostics to keep (undefined once nothing is requested or running).
 */
export function settleDiagnostics(diagnostics: Diagnostics, events: EventQueue): Diagnostics | undefined {
  if (diagnostics.settle() > 0) events.add(DIAGNOSTICS_COMPLETE_EVENT);
  return diagnostics.idle ? undefined : diagnostics;
}
