import type { CwmpVersion } from './messages.js';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP_ENC_NS = 'http://schemas.xmlsoap.org/soap/encoding/';
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** Common prefix of every CWMP namespace URI; the digit after it is the minor version. */
export const CWMP_NS_PREFIX = 'urn:dslforum-org:cwmp-1-';

/**
 * The cwmp namespace for a minor version. Note: the BBF schemas cwmp-1-3.xsd and cwmp-1-4.xsd
 * keep the cwmp-1-2 target namespace; CPEs in the field nevertheless send cwmp-1-3/cwmp-1-4, and
 * cpesim speaks (and detects) the version it was told to.
 */
export function cwmpNamespace(v: CwmpVersion): string {
  return CWMP_NS_PREFIX + v;
}
