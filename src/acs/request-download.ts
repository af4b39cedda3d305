import type { AcsRequest, RequestDownloadRequest } from '../cwmp/messages.js';
import type { FileStore } from './file-store.js';

let requestDownloads = 0;

/**
 * The reference ACS's answer to a RequestDownload (A.4.2.2): a Download of the newest served file of the
 * requested FileType, with its exact FileSize and a CommandKey naming the request; undefined when it serves none.
 */
export function requestDownloadAnswer(req: RequestDownloadRequest, files: FileStore, urlOf: (name: string) => string): AcsRequest | undefined {
  const name = files.nameForType(req.fileType);
  const file = name === undefined ? undefined : files.get(name);
  if (name === undefined || file === undefined) return undefined;
  return {
    method: 'Download',
    commandKey: `request-download-${++requestDownloads}`,
    fileType: req.fileType,
    url: urlOf(name),
    username: '',
    password: '',
    fileSize: file.content.length,
    targetFileName: name,
    delaySeconds: 0,
    successUrl: '',
    failureUrl: '',
  };
}
