import type { IncomingMessage } from 'node:http';
import { CpesimError } from '../errors.js';

/** The request body exceeded the cap; the ACS answers 413 and closes the connection. */
export class BodyTooLargeError extends CpesimError {
  constructor(limit: number) {
    super('CPESIM_ACS_BODY_TOO_LARGE', `request body larger than ${limit} bytes`);
  }
}

/** Reads a whole request body as UTF-8, refusing more than `maxBytes` (announced or actually sent). */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const announced = Number(req.headers['content-length'] ?? 0);
  if (announced > maxBytes) throw new BodyTooLargeError(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
}
