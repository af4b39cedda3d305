import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody } from './http-body.js';

/** Where the reference ACS serves files (Download, ScheduleDownload, ChangeDUState) and accepts uploads. */
export const FILES_PATH = '/files/';

/** Largest upload accepted (a configuration or log file of a simulated CPE is a few hundred KB at most). */
const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;

export interface StoredFile {
  readonly content: Buffer;
  /** TR-069 FileType the file answers a RequestDownload for ("1 Firmware Upgrade Image"), if any. */
  readonly fileType: string | undefined;
}

/**
 * The reference ACS's file server on its own HTTP port: GET /files/<name> serves a file put() here (404
 * otherwise), PUT /files/<name> stores an upload (kept in `uploads`, bounded in size, 413 beyond). No
 * authentication: it is a loopback test peer; a file server with credentials is the test's own business.
 */
export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  /** Uploaded bodies by name, in arrival order of their last PUT. */
  readonly uploads = new Map<string, Buffer>();

  /** Serves `content` at /files/<name>; `fileType` lets a RequestDownload of that type be answered with it. */
  put(name: string, content: Buffer | string, fileType?: string): void {
    this.files.set(name, { content: typeof content === 'string' ? Buffer.from(content) : content, fileType });
  }

  get(name: string): StoredFile | undefined {
    return this.files.get(name);
  }

  /** The name of the newest file put() for `fileType`, if any. */
  nameForType(fileType: string): string | undefined {
    let found: string | undefined;
    for (const [name, f] of this.files) if (f.fileType === fileType) found = name;
    return found;
  }

  /** Answers a request under FILES_PATH. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const name = decodeURIComponent((req.url ?? '').slice(FILES_PATH.length).split('?')[0] ?? '');
    if (req.method === 'GET' || req.method === 'HEAD') {
      req.resume();
      const file = this.files.get(name);
      if (!file) {
        res.writeHead(404, { 'Content-Length': 0 }).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': file.content.length });
      res.end(req.method === 'GET' ? file.content : undefined);
      return;
    }
    if (req.method === 'PUT' || req.method === 'POST') {
      try {
        this.uploads.set(name, Buffer.from(await readBody(req, MAX_UPLOAD_BYTES)));
      } catch (err) {
        if (!(err instanceof BodyTooLargeError)) {
          res.destroy();
          return;
        }
        res.writeHead(413, { Connection: 'close', 'Content-Length': 0 }).end();
        return;
      }
      res.writeHead(201, { 'Content-Length': 0 }).end();
      return;
    }
    req.resume();
    res.writeHead(405, { Allow: 'GET, HEAD, PUT, POST', 'Content-Length': 0 }).end();
  }
}
