/**
 * Where the ACS-requested diagnostics live in each data model (TR-098 Amendment 2+ / TR-143 and TR-181 Device:2):
 * one object per test, driven by its DiagnosticsState. Shared by the CPE (src/cpe/diagnostics.ts) and the
 * reference ACS (src/acs/diagnostics-request.ts), which must agree on the paths.
 */
export type DiagnosticKind = 'ping' | 'traceroute' | 'download' | 'upload';

export interface DiagnosticObject {
  readonly kind: DiagnosticKind;
  /** The object path, with its trailing dot. */
  readonly path: string;
  /** The DiagnosticsState of a successful test: TR-098's Download/UploadDiagnostics say "Completed". */
  readonly complete: 'Complete' | 'Completed';
  /** Device:2 naming (RouteHops.{i}.Host, ...Detailed times, TestBytesSent) rather than InternetGatewayDevice's. */
  readonly tr181: boolean;
}

const IGD = 'InternetGatewayDevice.';
const DEV = 'Device.IP.Diagnostics.';

const OBJECTS: Readonly<Record<string, readonly DiagnosticObject[]>> = {
  InternetGatewayDevice: [
    { kind: 'ping', path: `${IGD}IPPingDiagnostics.`, complete: 'Complete', tr181: false },
    { kind: 'traceroute', path: `${IGD}TraceRouteDiagnostics.`, complete: 'Complete', tr181: false },
    { kind: 'download', path: `${IGD}DownloadDiagnostics.`, complete: 'Completed', tr181: false },
    { kind: 'upload', path: `${IGD}UploadDiagnostics.`, complete: 'Completed', tr181: false },
  ],
  Device: [
    { kind: 'ping', path: `${DEV}IPPing.`, complete: 'Complete', tr181: true },
    { kind: 'traceroute', path: `${DEV}TraceRoute.`, complete: 'Complete', tr181: true },
    { kind: 'download', path: `${DEV}DownloadDiagnostics.`, complete: 'Complete', tr181: true },
    { kind: 'upload', path: `${DEV}UploadDiagnostics.`, complete: 'Complete', tr181: true },
  ],
};

const NONE: readonly DiagnosticObject[] = Object.freeze([]);

/** The diagnostics objects of a data-model root (none for an unknown root). */
export function diagnosticObjects(root: string): readonly DiagnosticObject[] {
  return OBJECTS[root] ?? NONE;
}

/** The object of a diagnostics kind under a root; undefined when the root has none. */
export function diagnosticObject(root: string, kind: DiagnosticKind): DiagnosticObject | undefined {
  return diagnosticObjects(root).find((o) => o.kind === kind);
}

/** The diagnostics object a parameter path lies directly in (its inputs and DiagnosticsState), if any. */
export function diagnosticObjectOf(root: string, path: string): DiagnosticObject | undefined {
  for (const o of diagnosticObjects(root)) {
    if (path.startsWith(o.path) && path.indexOf('.', o.path.length) < 0) return o;
  }
  return undefined;
}

export const DIAGNOSTICS_STATE = 'DiagnosticsState';
export const REQUESTED = 'Requested';
/** TR-181's other writable DiagnosticsState value: ends a running test without a result. */
export const CANCELED = 'Canceled';
export const NONE_STATE = 'None';
