/** EventCodes (TR-069 Table 7) that both peers act on: the CPE raises them, the reference ACS reacts to them. */
export const BOOTSTRAP_EVENT = '0 BOOTSTRAP';
export const CONNECTION_REQUEST_EVENT = '6 CONNECTION REQUEST';
