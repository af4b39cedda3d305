import type { AcsRequest, ParameterValue } from '../cwmp/messages.js';
import { diagnosticObject, DIAGNOSTICS_STATE, REQUESTED, type DiagnosticKind } from '../datamodel/diagnostic-objects.js';
import { CpesimError } from '../errors.js';

/** Test inputs by parameter name within the object (Host, NumberOfRepetitions, DownloadURL, TestFileLength, ...). */
export type DiagnosticInputs = Readonly<Record<string, string | number>>;

/**
 * The SetParameterValues an ACS sends to start a diagnostic (TR-098/TR-181 DiagnosticsState): the inputs and
 * DiagnosticsState=Requested in one request, as the data models require. Numbers travel as unsignedInt
 * (TR-181's TestFileLength as unsignedLong), everything else as string.
 */
export function diagnosticsRequest(
  root: 'InternetGatewayDevice' | 'Device',
  kind: DiagnosticKind,
  inputs: DiagnosticInputs,
  parameterKey = '',
): Extract<AcsRequest, { method: 'SetParameterValues' }> {
  const object = diagnosticObject(root, kind);
  if (!object) throw new CpesimError('CPESIM_INVALID_ARGUMENT', `no ${kind} diagnostics under ${root}`);
  const parameterList: ParameterValue[] = Object.entries(inputs).map(([name, value]) => ({
    name: object.path + name,
    value: String(value),
    type: typeof value !== 'number' ? 'string' : object.tr181 && name === 'TestFileLength' ? 'unsignedLong' : 'unsignedInt',
  }));
  parameterList.push({ name: object.path + DIAGNOSTICS_STATE, value: REQUESTED, type: 'string' });
  return { method: 'SetParameterValues', parameterList, parameterKey };
}
