/**
 * The power side of a CPE: offline while it reboots or has lost power, booting until a session completes after
 * power-on, then online (the gauges); Reboot and FactoryReset, answered in a session and carried out when it ends;
 * power cuts (boot storms). VirtualCpe extends this class and drives it from its session loop. A base class rather
 * than a helper object: this state is a few fields of every CPE, and a fleet holds a million CPEs per process.
 */
import { DeviceModel } from '../datamodel/device-model.js';
import { softwareVersionPath } from '../datamodel/firmware-rule.js';
import { CpesimError } from '../errors.js';
import type { CpeState } from '../metrics/observer.js';
import { TransportError } from '../transport/transport-error.js';
import type { CpeEnvironment } from './cpe-environment.js';
import { EventQueue } from './event-queue.js';

// Boolean state of a CPE, packed into one field (a million CPEs: one slot instead of four).
export const BOOTSTRAPPED = 1;
export const RUNNING = 2;
export const POWER_CUT_IN_SESSION = 4;
export const STOPPED = 8;
/** A FactoryReset was answered in the running session. */
const FACTORY_RESET = 16;
/** A CPE-initiated request was queued while the session ran: the CPE wants a session after it. */
export const RAISED_IN_SESSION = 32;

/** The reason a power cut aborts the running session with (counted as a failed session of kind power_cut). */
export function powerCut(index: number): TransportError {
  return new TransportError('power_cut', `CPE ${index} lost power during the session (power cycle)`);
}

export abstract class PoweredCpe {
  readonly index: number;
  readonly model: DeviceModel;
  /** The group's shared settings (also read by the CPE's feature modules, e.g. CpeTransfers). */
  readonly env: CpeEnvironment;
  protected readonly events = new EventQueue();
  /** BOOTSTRAPPED | RUNNING | POWER_CUT_IN_SESSION | STOPPED | FACTORY_RESET | RAISED_IN_SESSION. */
  protected flags = 0;
  /** CommandKeys of the Reboots answered in the running session (undefined: no reboot wanted). */
  private rebootKeys: string[] | undefined;
  /** performance.now() until which the CPE is rebooting (no session can run). */
  private offlineUntil = 0;
  /** For the gauges; `offline` ends (lazily, see settlePower) once offlineUntil has passed. */
  private state: CpeState = 'booting';
  /** The running session's abort (deadline, power cut). */
  protected sessionAbort: AbortController | undefined;

  protected constructor(index: number, env: CpeEnvironment, connectionRequestUrl: string) {
    this.index = index;
    this.env = env;
    this.model = new DeviceModel(env.profile, {
      index,
      connectionRequestUrl,
      bootTimeMs: Date.now(),
      ...(env.initialValues !== undefined ? { initialValues: env.initialValues } : {}),
      valueChangeScale: env.valueChangeScale,
    });
    // A new device: first contact ever, and it has just booted.
    this.events.add('0 BOOTSTRAP');
    this.events.add('1 BOOT');
    env.observer.cpeState(undefined, this.state);
  }

  /** Asks the CPE's scheduler for a session `delayMs` from now. */
  protected abstract requestSession(delayMs: number): void;

  /** booting (until a session completed after power-on), online, or offline (rebooting, power-cycled). */
  get powerState(): CpeState {
    return this.settlePower();
  }

  /**
   * Brings the gauge up to date: a CPE whose reboot or power cut is over counts as booting from now on. Called
   * whenever the CPE is looked at (its scheduler wakes it when the power is back, and settles every CPE when a
   * run ends), instead of one Node timer per offline CPE (a boot storm over a million CPEs would create as many).
   */
  settlePower(): CpeState {
    if (this.state === 'offline' && this.offlineUntil <= performance.now()) this.enter('booting');
    return this.state;
  }

  /** A session with this ACS has succeeded (so BOOTSTRAP was delivered). */
  get bootstrapped(): boolean {
    return (this.flags & BOOTSTRAPPED) !== 0;
  }

  get inSession(): boolean {
    return (this.flags & RUNNING) !== 0;
  }

  /** stop() was called: no more background work or session requests. */
  get stopped(): boolean {
    return (this.flags & STOPPED) !== 0;
  }

  /** Milliseconds until the CPE is back from a reboot; 0 when it is up. */
  offlineForMs(): number {
    return Math.max(0, this.offlineUntil - performance.now());
  }

  /**
   * Cuts the power for `offlineMs` (a boot storm): a running session is aborted (failed, kind power_cut);
   * runSession answers `offline` until the power is back; then the next Inform carries "1 BOOT" and UpTime
   * restarts. Unlike a Reboot RPC there is no "M Reboot"; the configuration, pending events, queued requests
   * and accepted transfers survive. The CPE asks its scheduler for a session when the power is back.
   */
  powerCycle(offlineMs: number): void {
    if (!Number.isFinite(offlineMs) || offlineMs < 0) {
      throw new CpesimError('CPESIM_INVALID_ARGUMENT', `powerCycle: offlineMs must be a finite number >= 0, got ${offlineMs}`);
    }
    if (this.flags & STOPPED) return;
    this.restart([], offlineMs);
    if (this.flags & RUNNING) {
      this.flags |= POWER_CUT_IN_SESSION;
      this.sessionAbort?.abort(powerCut(this.index));
    } else {
      this.requestSession(offlineMs);
    }
  }

  /** A Reboot answered in the running session: carried out when it ends. */
  reboot(commandKey: string): void {
    (this.rebootKeys ??= []).push(commandKey);
  }

  /** A FactoryReset answered in the running session: carried out when it ends (with the reboot it implies). */
  factoryReset(): void {
    this.flags |= FACTORY_RESET;
    this.rebootKeys ??= [];
  }

  /**
   * Reboots: offline for the reboot duration, UpTime restarts when it is back, the next Inform carries
   * "1 BOOT" and one "M Reboot" per Reboot CommandKey. The configuration (the model's overlay), pending
   * events and queued requests survive. Public: an applied firmware image (CpeTransfers) reboots the CPE too.
   */
  restart(commandKeys: readonly string[], offlineMs: number = this.env.rebootDurationMs): void {
    this.offlineUntil = performance.now() + offlineMs;
    this.model.restartedAt(Date.now() + offlineMs);
    this.events.add('1 BOOT');
    for (const key of commandKeys) this.events.add('M Reboot', key);
    this.enter('offline');
  }

  /** A session completed: a booting CPE is online now (still booting unless the power went off meanwhile: then it is offline). */
  protected reachedAcs(): void {
    if (this.state === 'booting') this.enter('online');
  }

  private enter(to: CpeState): void {
    if (this.state === to) return;
    this.env.observer.cpeState(this.state, to);
    this.state = to;
  }

  /** The FactoryReset and Reboots answered in the session that just ended, carried out; true when the CPE rebooted. */
  protected restartAsAnswered(): boolean {
    if (this.flags & FACTORY_RESET) {
      this.flags &= ~FACTORY_RESET;
      this.resetToFactory();
    }
    const keys = this.rebootKeys;
    if (keys === undefined) return false;
    this.rebootKeys = undefined;
    this.restart(keys);
    return true;
  }

  /**
   * Back to the profile (TR-069 A.4.1.6): the model's overlay (values, attributes, added/deleted instances and
   * instance counters) is gone; the device has never met the ACS, so its next Inform carries "0 BOOTSTRAP" (the
   * reboot adds "1 BOOT"). Pending events stay: they describe what happened before the reset.
   */
  protected resetToFactory(): void {
    // The firmware stays what it is: a factory reset restores the configuration, not an older image.
    const path = softwareVersionPath(this.env.profile.root);
    const softwareVersion = this.env.profile.firmwareVersion === undefined ? undefined : this.model.get(path);
    this.model.factoryReset();
    // Not a value change: a factory-fresh device has nothing to notify (its Inform carries 0 BOOTSTRAP).
    if (softwareVersion !== undefined) this.model.setInternal(path, softwareVersion, false);
    this.flags &= ~BOOTSTRAPPED;
    this.events.add('0 BOOTSTRAP');
  }
}
