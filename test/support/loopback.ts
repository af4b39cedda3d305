/**
 * A loopback origin that refuses connections: port 1 (tcpmux), which nothing here serves. A port bound and released
 * instead could be taken by another test process in between.
 */
export const REFUSING_ORIGIN = 'http://127.0.0.1:1';
