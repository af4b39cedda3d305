import { createHash } from 'node:crypto';
import { CwmpFault, faultString } from '../cwmp/faults.js';
import type { ChangeDuStateRequest, DuOperation, DuOpResult } from '../cwmp/messages.js';
import type { DeviceModel } from '../datamodel/device-model.js';
import { downloadFile, FileDownloadError, type FileDownloadFailure } from '../transport/file-download.js';
import { fileServerRequest, type FileServerAccess } from './transfers.js';
import { fileNameOf, versionInFileName } from '../datamodel/firmware-rule.js';

/**
 * ChangeDUState (TR-069 A.4.1.10) on the device's SoftwareModules tree (TR-157 as mapped into TR-181
 * Device.SoftwareModules. and TR-098 InternetGatewayDevice.SoftwareModules.): Install fetches the unit's URL for
 * real, then creates a DeploymentUnit instance and one ExecutionUnit; Update fetches the new file and changes the
 * unit's Version/URL; Uninstall removes the unit and its execution units. The data model is the only state
 * (plain values in the overlay), so whatever persists the model persists the installed units.
 *
 * Operations run one after the other, each on its own: one failing does not undo the others, and each reports
 * its own OpResultStruct. A unit's Version comes from its file name (`app-1.2.0.ipk` → `1.2.0`, `1.0` without one).
 */

/** UUID format of cwmp-1-2.xsd DeploymentUnitUUID. */
const UUID_RE = /^[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
const MAX_OPERATIONS = 16;
const MAX_URL_LENGTH = 1024;
const DEFAULT_VERSION = '1.0';

/**
 * DUStateChangeComplete fault per fetch failure (only DeploymentUnitCPEFaultCodeType codes are allowed there:
 * no 9010): 9015 nothing answered, 9012 credentials or certificate refused, 9016 the server refused the file or
 * answered otherwise, 9017 the body broke off, 9027 the file exceeds what the CPE can hold.
 */
const DU_FAULT_BY_FAILURE: Readonly<Record<Exclude<FileDownloadFailure, 'aborted'>, number>> = {
  unreachable: 9015,
  tls: 9012,
  auth_failed: 9012,
  not_accessible: 9016,
  incomplete: 9017,
  too_large: 9027,
  failed: 9016,
};

/** The synchronous checks of a ChangeDUState (faults of the RPC itself): 9000 no SoftwareModules, 9003 bad arguments, 9004 too many operations. */
export function validateChangeDuState(req: ChangeDuStateRequest, model: DeviceModel, root: string): void {
  if (model.get(`${root}.SoftwareModules.DeploymentUnitNumberOfEntries`) === undefined) {
    throw new CwmpFault(9000, `this device has no ${root}.SoftwareModules.DeploymentUnit table`);
  }
  if (req.operations.length === 0) throw new CwmpFault(9003, 'ChangeDUState without operations');
  if (req.operations.length > MAX_OPERATIONS) throw new CwmpFault(9004, `${req.operations.length} operations (at most ${MAX_OPERATIONS})`);
  for (const [i, op] of req.operations.entries()) {
    if (op.op === 'Install' && op.url === '') throw new CwmpFault(9003, `operation ${i + 1}: Install without a URL`);
    if ((op.op === 'Install' || op.op === 'Update') && (op.url?.length ?? 0) > MAX_URL_LENGTH) {
      throw new CwmpFault(9003, `operation ${i + 1}: URL longer than ${MAX_URL_LENGTH} characters`);
    }
  }
}

/** One operation's failure: its fault code and detail. */
class OpFailure extends Error {
  constructor(
    readonly faultCode: number,
    detail: string,
  ) {
    super(detail);
  }
}

/** A DeploymentUnit instance as the data model holds it. */
interface Unit {
  /** "Device.SoftwareModules.DeploymentUnit.3." */
  path: string;
  uuid: string;
  version: string;
  url: string;
  executionEnvRef: string;
  /** Its ExecutionUnit instance paths ("...ExecutionUnit.3", no trailing dot). */
  executionUnits: string[];
}

/** What one ChangeDUState run needs: the device, how to reach file servers, and the CPE's lifetime signal. */
export interface DuContext {
  model: DeviceModel;
  root: string;
  access: FileServerAccess;
  signal: AbortSignal;
}

/**
 * Carries out the operations of an accepted ChangeDUState, in order; resolves with one result per operation (an
 * Update of every unit with one per unit). Rejects only when `signal` aborts (the CPE is stopping).
 */
export async function performDuOperations(req: ChangeDuStateRequest, ctx: DuContext): Promise<DuOpResult[]> {
  const results: DuOpResult[] = [];
  for (const op of req.operations) results.push(...(await new DuOperationRun(ctx, op).run()));
  return results;
}

class DuOperationRun {
  private readonly sm: string;
  private readonly startTime = new Date().toISOString();

  constructor(
    private readonly ctx: DuContext,
    private readonly op: DuOperation,
  ) {
    this.sm = `${ctx.root}.SoftwareModules.`;
  }

  async run(): Promise<DuOpResult[]> {
    try {
      switch (this.op.op) {
        case 'Install':
          return [await this.install(this.op)];
        case 'Update':
          return await this.update(this.op);
        case 'Uninstall':
          return this.uninstall(this.op);
      }
    } catch (err) {
      if (!(err instanceof OpFailure)) throw err;
      return [this.failed(err)];
    }
  }

  private async install(op: Extract<DuOperation, { op: 'Install' }>): Promise<DuOpResult> {
    const uuid = op.uuid ?? this.generatedUuid(op.url);
    checkUuid(uuid);
    const executionEnvRef = this.executionEnv(op.executionEnvRef);
    const version = versionOf(op.url);
    if (this.units().some((u) => u.uuid.toLowerCase() === uuid.toLowerCase() && u.version === version)) {
      throw new OpFailure(9026, `deployment unit ${uuid} version ${version} is already installed`);
    }
    await this.fetch(op.url, op.username ?? '', op.password ?? '');
    const { model } = this.ctx;
    const n = model.addObjectInternal(`${this.sm}DeploymentUnit.`);
    const du = `${this.sm}DeploymentUnit.${n}.`;
    const e = model.addObjectInternal(`${this.sm}ExecutionUnit.`);
    const eu = `${this.sm}ExecutionUnit.${e}`;
    const name = unitName(op.url);
    const now = new Date().toISOString();
    this.setAll(du, {
      UUID: uuid,
      DUID: String(n),
      Name: name,
      Status: 'Installed',
      Resolved: 'true',
      URL: op.url,
      Vendor: 'cpesim',
      Version: version,
      ExecutionUnitList: eu,
      ExecutionEnvRef: executionEnvRef,
      Installed: now,
      LastUpdate: now,
    });
    this.setAll(`${eu}.`, { EUID: String(e), Name: name, ExecEnvLabel: name, Vendor: 'cpesim', Version: version, ExecutionEnvRef: executionEnvRef });
    return this.result({ path: du, uuid, version, url: op.url, executionEnvRef, executionUnits: [eu] }, 'Installed');
  }

  private async update(op: Extract<DuOperation, { op: 'Update' }>): Promise<DuOpResult[]> {
    if (op.uuid !== undefined) checkUuid(op.uuid);
    let targets = this.units();
    if (op.uuid !== undefined) targets = targets.filter((u) => u.uuid.toLowerCase() === op.uuid!.toLowerCase());
    else if (op.url !== undefined) targets = targets.filter((u) => u.url === op.url);
    if (op.version !== undefined) targets = targets.filter((u) => u.version === op.version);
    if (targets.length === 0) throw new OpFailure(9028, `no deployment unit matches ${op.uuid ?? op.url ?? '(all)'}`);
    if (op.uuid !== undefined && op.version === undefined && targets.length > 1) {
      throw new OpFailure(9031, `${targets.length} versions of ${op.uuid} are installed: the Update must name one`);
    }
    const results: DuOpResult[] = [];
    for (const unit of targets) {
      try {
        results.push(await this.updateOne(unit, op));
      } catch (err) {
        if (!(err instanceof OpFailure)) throw err;
        results.push({ ...this.result(unit, 'Installed'), fault: { faultCode: err.faultCode, faultString: faultText(err) } });
      }
    }
    return results;
  }

  private async updateOne(unit: Unit, op: Extract<DuOperation, { op: 'Update' }>): Promise<DuOpResult> {
    const url = op.url ?? unit.url;
    const version = versionOf(url);
    if (version === unit.version) throw new OpFailure(9032, `version ${version} is already installed`);
    if (compareVersions(version, unit.version) < 0) throw new OpFailure(9030, `${version} is older than the installed ${unit.version}`);
    await this.fetch(url, op.username ?? '', op.password ?? '');
    this.setAll(unit.path, { URL: url, Version: version, LastUpdate: new Date().toISOString() });
    for (const eu of unit.executionUnits) this.setAll(`${eu}.`, { Version: version });
    return this.result({ ...unit, url, version }, 'Installed');
  }

  private uninstall(op: Extract<DuOperation, { op: 'Uninstall' }>): DuOpResult[] {
    checkUuid(op.uuid);
    const env = op.executionEnvRef === undefined ? undefined : this.executionEnv(op.executionEnvRef);
    const targets = this.units().filter(
      (u) => u.uuid.toLowerCase() === op.uuid.toLowerCase() && (op.version === undefined || u.version === op.version) && (env === undefined || u.executionEnvRef === env),
    );
    if (targets.length === 0) throw new OpFailure(9028, `no deployment unit ${op.uuid}${op.version !== undefined ? ` version ${op.version}` : ''}`);
    return targets.map((unit) => {
      for (const eu of unit.executionUnits) if (this.ctx.model.get(`${eu}.EUID`) !== undefined) this.ctx.model.deleteObjectInternal(`${eu}.`);
      this.ctx.model.deleteObjectInternal(unit.path);
      return this.result(unit, 'Uninstalled');
    });
  }

  /** GETs the unit's file (counted, not stored); a failure is the operation's fault. */
  private async fetch(url: string, username: string, password: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new OpFailure(9003, `URL "${url}" is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new OpFailure(9013, `${parsed.protocol} (only http and https)`);
    const { access, signal } = this.ctx;
    try {
      await downloadFile({ ...fileServerRequest(access, { url, username, password }, signal), maxBytes: access.limits.maxBytes });
    } catch (err) {
      if (err instanceof FileDownloadError && err.reason !== 'aborted') throw new OpFailure(DU_FAULT_BY_FAILURE[err.reason], err.message);
      throw err;
    }
  }

  /** The installed units, from the data model (DeploymentUnit instances). */
  private units(): Unit[] {
    const { model } = this.ctx;
    return model
      .getParameterNames(`${this.sm}DeploymentUnit.`, true)
      .map((p) => p.name)
      .map((path) => ({
        path,
        uuid: model.get(`${path}UUID`) ?? '',
        version: model.get(`${path}Version`) ?? '',
        url: model.get(`${path}URL`) ?? '',
        executionEnvRef: model.get(`${path}ExecutionEnvRef`) ?? '',
        executionUnits: (model.get(`${path}ExecutionUnitList`) ?? '').split(',').filter((s) => s !== ''),
      }));
  }

  /** The ExecutionEnvRef to use: the named environment (9023 when it does not exist) or the first one. */
  private executionEnv(ref: string | undefined): string {
    const envs = this.ctx.model.getParameterNames(`${this.sm}ExecEnv.`, true).map((p) => p.name.slice(0, -1));
    if (ref === undefined || ref === '') return envs[0] ?? '';
    const wanted = ref.replace(/\.$/, '');
    // ".SoftwareModules.ExecEnv.1" (relative to the root, as the schema's example) or the full path.
    const found = envs.find((e) => e === wanted || e === `${this.ctx.root}${wanted}`);
    if (found === undefined) throw new OpFailure(9023, `no execution environment ${ref}`);
    return found;
  }

  /** Sets the parameters the data model has (TR-098 lacks some of TR-181's). */
  private setAll(object: string, values: Record<string, string>): void {
    for (const [name, value] of Object.entries(values)) {
      const path = object + name;
      if (this.ctx.model.get(path) !== undefined) this.ctx.model.setInternal(path, value);
    }
  }

  /** TR-069 A.4.1.10: a UUID the ACS did not give is generated by the CPE (a name-based v5 form: stable per device and URL). */
  private generatedUuid(url: string): string {
    const h = createHash('sha1').update(`${this.ctx.model.deviceId().serialNumber}|${url}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
  }

  private result(unit: Unit, currentState: 'Installed' | 'Uninstalled'): DuOpResult {
    return {
      uuid: unit.uuid,
      deploymentUnitRef: unit.path.slice(0, -1),
      version: unit.version,
      currentState,
      resolved: true,
      executionUnitRefList: unit.executionUnits.join(','),
      startTime: this.startTime,
      completeTime: new Date().toISOString(),
      fault: { faultCode: 0, faultString: '' },
    };
  }

  /** A failed operation: an Install leaves no unit ("Failed"); Update/Uninstall name what they could. */
  private failed(err: OpFailure): DuOpResult {
    const op = this.op;
    const uuid = op.uuid ?? (op.op === 'Install' ? this.generatedUuidOrEmpty(op.url) : '');
    return {
      uuid: UUID_RE.test(uuid) ? uuid : '00000000-0000-0000-0000-000000000000',
      deploymentUnitRef: '',
      version: op.op === 'Install' ? '' : (op.version ?? ''),
      currentState: op.op === 'Install' ? 'Failed' : 'Uninstalled',
      resolved: false,
      executionUnitRefList: '',
      startTime: this.startTime,
      completeTime: new Date().toISOString(),
      fault: { faultCode: err.faultCode, faultString: faultText(err) },
    };
  }

  private generatedUuidOrEmpty(url: string): string {
    return url === '' ? '' : this.generatedUuid(url);
  }
}

function checkUuid(uuid: string): void {
  if (!UUID_RE.test(uuid)) throw new OpFailure(9022, `"${uuid}" is not a UUID`);
}

/** The FaultString: the standard text and the detail. */
function faultText(err: OpFailure): string {
  return `${faultString(err.faultCode)}: ${err.message}`.slice(0, 256);
}

/** A unit's version: the one in its file name, or 1.0. */
function versionOf(url: string): string {
  return versionInFileName(fileNameOf(url)) ?? DEFAULT_VERSION;
}

/** A unit's name: its file name without the version and extension ("app-1.2.0.ipk" → "app"). */
function unitName(url: string): string {
  const file = fileNameOf(url);
  const stem = file.replace(/\.[A-Za-z][A-Za-z0-9]*$/, '');
  return stem.replace(/[-_]?v?\d+(?:\.\d+)+.*$/, '') || stem || 'unit';
}

/** Dotted numeric comparison ("1.10" > "1.9"); non-numeric parts compare as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    const c = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}


/** A ChangeDUState waiting for its session to end, then running. */
interface DuJob {
  readonly req: ChangeDuStateRequest;
  armed: boolean;
  /** The CPE's own change (no ACS request): reported with AutonomousDUStateChangeComplete. */
  readonly autonomous?: true;
}

export interface DuStateQueueOptions extends Omit<DuContext, 'signal'> {
  /** Called once per ChangeDUState carried out (whatever its operations' faults); not after stop(). */
  onDone(req: ChangeDuStateRequest, results: DuOpResult[], autonomous: boolean): void;
}

/**
 * The ChangeDUStates one CPE accepted: each runs after the session that carried it ended (TR-069: the CPE acts
 * after the session), on its own promise; stop() aborts the fetches so a run ends promptly.
 */
export class DuStateQueue {
  private readonly jobs: DuJob[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(private readonly opts: DuStateQueueOptions) {}

  /** Validates (CwmpFault 9000/9003/9004) and accepts a ChangeDUState; it starts when the session ends. */
  accept(req: ChangeDuStateRequest): void {
    if (this.abort.signal.aborted) throw new CwmpFault(9002, 'the CPE is shutting down');
    validateChangeDuState(req, this.opts.model, this.opts.root);
    this.jobs.push({ req, armed: false });
  }

  /**
   * A change the CPE makes on its own (scenario `autonomousDuChanges`): validated like a ChangeDUState (CwmpFault
   * when the device has no SoftwareModules), then it starts at once, after the changes already running.
   */
  startAutonomous(req: ChangeDuStateRequest): void {
    if (this.abort.signal.aborted) return;
    validateChangeDuState(req, this.opts.model, this.opts.root);
    const job: DuJob = { req, armed: true, autonomous: true };
    this.jobs.push(job);
    const run = this.perform(job).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** The session ended: the ChangeDUStates accepted in it start, in order. */
  sessionEnded(): void {
    for (const job of this.jobs) {
      if (job.armed || this.abort.signal.aborted) continue;
      job.armed = true;
      const run = this.perform(job).finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }

  /** The ACS's ChangeDUStates not yet reported (waiting or running), oldest first: what a state file keeps. */
  requests(): ChangeDuStateRequest[] {
    return this.jobs.filter((j) => j.autonomous !== true).map((j) => j.req);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    this.jobs.length = 0;
  }

  private async perform(job: DuJob): Promise<void> {
    // One ChangeDUState after the other: later ones may name units the earlier ones install.
    // (Called before this run joins `running`: everything there started earlier.)
    await Promise.allSettled([...this.running]);
    let results: DuOpResult[];
    try {
      results = await performDuOperations(job.req, { ...this.opts, signal: this.abort.signal });
    } catch (err) {
      if (this.abort.signal.aborted) return;
      // A simulator bug, not a device outcome: every operation fails (9001) with the reason, the shard lives on.
      const detail = `internal error: ${err instanceof Error ? err.message : String(err)}`;
      results = job.req.operations.map(() => internalFailure(detail));
    }
    if (this.abort.signal.aborted) return;
    this.jobs.splice(this.jobs.indexOf(job), 1);
    this.opts.onDone(job.req, results, job.autonomous === true);
  }
}

function internalFailure(detail: string): DuOpResult {
  const now = new Date().toISOString();
  return {
    uuid: '00000000-0000-0000-0000-000000000000',
    deploymentUnitRef: '',
    version: '',
    currentState: 'Failed',
    resolved: false,
    executionUnitRefList: '',
    startTime: now,
    completeTime: now,
    fault: { faultCode: 9001, faultString: `${faultString(9001)}: ${detail}`.slice(0, 256) },
  };
}
