import { CpesimError } from '../errors.js';
import type { FaultStruct } from './messages.js';

/** TR-069 CPE fault codes (A.5.1) and ACS fault codes, with their standard fault strings. */
export const FAULT_STRINGS: Readonly<Record<number, string>> = {
  8000: 'Method not supported',
  8001: 'Request denied',
  8002: 'Internal error',
  8003: 'Invalid arguments',
  8004: 'Resources exceeded',
  8005: 'Retry request',
  8006: 'ACS version incompatible',
  9000: 'Method not supported',
  9001: 'Request denied (no reason specified)',
  9002: 'Internal error',
  9003: 'Invalid arguments',
  9004: 'Resources exceeded',
  9005: 'Invalid parameter name',
  9006: 'Invalid parameter type',
  9007: 'Invalid parameter value',
  9008: 'Attempt to set a non-writable parameter',
  9009: 'Notification request rejected',
  9010: 'Download failure',
  9011: 'Upload failure',
  9012: 'File transfer server authentication failure',
  9013: 'Unsupported protocol for file transfer',
  9014: 'Download failure: unable to join multicast group',
  9015: 'Download failure: unable to contact file server',
  9016: 'Download failure: unable to access file',
  9017: 'Download failure: unable to complete download',
  9018: 'Download failure: file corrupted',
  9019: 'Download failure: file authentication failure',
  9020: 'Download failure: unable to complete download within specified time windows',
  9021: 'Cancelation not permitted in the current transfer state',
  9022: 'Invalid UUID format',
  9023: 'Unknown execution environment',
  9024: 'Disabled execution environment',
  9025: 'Deployment unit to execution environment mismatch',
  9026: 'Duplicate deployment unit',
  9027: 'System resources exceeded',
  9028: 'Unknown deployment unit',
  9029: 'Invalid deployment unit state',
  9030: 'Invalid deployment unit update: downgrade not permitted',
  9031: 'Invalid deployment unit update: version not specified',
  9032: 'Invalid deployment unit update: version already exists',
};

/** The faults TR-069 (Annex A, fault code tables) classes as the requester's error: SOAP faultcode "Client". */
const CLIENT_FAULTS: ReadonlySet<number> = new Set([8003, 9003, 9005, 9006, 9007, 9008, 9021]);

/** SOAP faultcode for a CWMP fault: "Client" when the request was at fault, "Server" for every other code. */
export function soapFaultCode(faultCode: number): 'Client' | 'Server' {
  return CLIENT_FAULTS.has(faultCode) ? 'Client' : 'Server';
}

export function faultString(code: number): string {
  return FAULT_STRINGS[code] ?? 'Vendor fault';
}

export interface ParameterFault {
  parameterName: string;
  faultCode: number;
  faultString: string;
}

/** Thrown by RPC handlers; the session engine turns it into a SOAP Fault response. */
export class CwmpFault extends CpesimError {
  readonly faultCode: number;
  readonly parameterFaults: ParameterFault[] | undefined;
  constructor(faultCode: number, detail?: string, parameterFaults?: ParameterFault[]) {
    super('CPESIM_CWMP_FAULT', `${faultCode} ${faultString(faultCode)}${detail ? `: ${detail}` : ''}`);
    this.faultCode = faultCode;
    this.parameterFaults = parameterFaults;
  }

  /** Shortcut for a per-parameter entry of a SetParameterValuesFault list. */
  static parameter(parameterName: string, faultCode: number): ParameterFault {
    return { parameterName, faultCode, faultString: faultString(faultCode) };
  }

  toStruct(): FaultStruct {
    return {
      faultCode: this.faultCode,
      faultString: faultString(this.faultCode),
      setParameterValuesFaults: this.parameterFaults,
    };
  }
}
