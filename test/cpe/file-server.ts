import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FileServer {
  /** http://127.0.0.1:<port> (no trailing slash). */
  origin: string;
  /** Request paths in arrival order, with the Authorization header each carried. */
  requests: { path: string; authorization: string | undefined }[];
  /** Body lengths of the PUTs to /sink, in arrival order. */
  uploaded: number[];
  close(): Promise<void>;
}

export const FILE_BYTES = 100_000;
export const BASIC_USER = 'fwuser';
export const BASIC_PASSWORD = 'fw-secret';

/**
 * A node:http file server on 127.0.0.1 for Download tests:
 * - /file.bin        FILE_BYTES bytes, streamed in chunks
 * - /private.bin     the same, behind HTTP Basic (BASIC_USER / BASIC_PASSWORD)
 * - /forbidden.bin   403;  anything else 404
 * - /broken.bin      announces FILE_BYTES, sends half, then drops the connection
 * - /hang.bin        never answers (until the server closes)
 * - /redirect.bin    302 to /file.bin
 * - /sink            takes a PUT (201), its body's length recorded in `uploaded`
 */
export async function startFileServer(): Promise<FileServer> {
  const requests: FileServer['requests'] = [];
  const uploaded: number[] = [];
  const sockets = new Set<Socket>();
  const chunk = Buffer.alloc(10_000, 0x5a);
  const sendFile = (res: ServerResponse, bytes: number, announce = bytes) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(announce) });
    for (let sent = 0; sent < bytes; sent += chunk.length) res.write(chunk.subarray(0, Math.min(chunk.length, bytes - sent)));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '';
    requests.push({ path, authorization: req.headers.authorization });
    switch (path) {
      case '/file.bin':
        sendFile(res, FILE_BYTES);
        res.end();
        return;
      case '/private.bin': {
        const expected = `Basic ${Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64')}`;
        if (req.headers.authorization !== expected) {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="files"', 'content-length': '0' }).end();
          return;
        }
        sendFile(res, FILE_BYTES);
        res.end();
        return;
      }
      case '/forbidden.bin':
        res.writeHead(403, { 'content-length': '0' }).end();
        return;
      case '/broken.bin':
        sendFile(res, FILE_BYTES / 2, FILE_BYTES);
        setTimeout(() => res.destroy(), 20);
        return;
      case '/hang.bin':
        return;
      case '/sink': {
        let length = 0;
        req.on('data', (c: Buffer) => (length += c.length));
        req.on('end', () => {
          uploaded.push(length);
          res.writeHead(201, { 'content-length': '0' }).end();
        });
        return;
      }
      case '/redirect.bin':
        res.writeHead(302, { location: '/file.bin', 'content-length': '0' }).end();
        return;
      default:
        res.writeHead(404, { 'content-length': '0' }).end();
    }
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    uploaded,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}


