import type { AcsRequest } from '../../src/cwmp/messages.js';

export type DownloadRpc = Extract<AcsRequest, { method: 'Download' }>;

/** A Download request with every argument at its neutral value, overridable field by field. */
export function downloadRequest(over: Partial<DownloadRpc> = {}): DownloadRpc {
  return {
    method: 'Download',
    commandKey: 'dl-1',
    fileType: '3 Vendor Configuration File',
    url: 'http://files.example/cfg.bin',
    username: '',
    password: '',
    fileSize: 0,
    targetFileName: '',
    delaySeconds: 0,
    successUrl: '',
    failureUrl: '',
    ...over,
  };
}
