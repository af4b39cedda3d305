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
  9001: 'Request denied',
  9002: 'Internal error',
  9003: 'Invalid arguments',
  9004: 'Resources exceeded',
  9005: 'Invalid parameter name',
  9006: 'Invalid parameter type',
  9007: 'Invalid parameter value',
  9008: 'Attempt to set a non-writable parameter',
  9009: 'Notification request rejected',
  9010: 'File transfer failure',
  9011: 'Upload failure',
  9012: 'File transfer server authentication failure',
  9013: 'Unsupported protocol for file transfer',
  9014: 'Unable to join multicast group',
  9015: 'Unable to contact file server',
  9016: 'Unable to access file',
  9017: 'Unable to complete download',
  9018: 'File corrupted',
  9019: 'File authentication failure',
  9020: 'Unable to complete download within the time windows',
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

/** SOAP faultcode for a CWMP fault: "Client" when the request was at fault, "Server" when the CPE/ACS failed. */
export function soapFaultCode(faultCode: number): 'Client' | 'Server' {
  switch (faultCode) {
    case 8002:
    case 8004:
    case 8005:
    case 9002:
    case 9004:
    case 9010:
    case 9011:
    case 9014:
    case 9015:
    case 9017:
    case 9020:
    case 9027:
      return 'Server';
    default:
      return 'Client';
  }
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
