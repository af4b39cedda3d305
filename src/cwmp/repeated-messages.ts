/**
 * An ACS sends the same few messages again and again (the InformResponse, the same GetParameterValues to every
 * device), byte for byte apart from the cwmp:ID. Validating and parsing even a small one costs ~45 µs, a tenth of
 * a plain session's CPU. This parser keeps the last few messages it parsed as shapes (the text before and after the
 * ID) and answers a message of a known shape with that shape's parse and the new ID. It is exact: the ID text may
 * hold no markup (no `<`, `&` or `]]>`) nor a cwmp namespace, so the rest of the document, and so its parse, is the same. Anything else
 * goes through the full parser. One per group of CPEs on a thread (their environment), never shared across threads.
 */
import type { AcsEnvelope } from './messages.js';
import { parseAcsMessage } from './parse.js';

/** Shapes kept: an ACS's usual replies (InformResponse, an RPC or two of its provisioning). */
const MAX_SHAPES = 4;
/** Larger messages are rare repeats and would make a cache entry costly: always parsed in full. */
const MAX_CACHED_LENGTH = 16_384;
/** parseAcsMessage reads the cwmp version from the first occurrence of this in the text. */
const CWMP_NAMESPACE = 'urn:dslforum-org:cwmp-';
/** The start tag of the ID element: any namespace prefix, attributes allowed. */
const ID_START_TAG = /<(?:[A-Za-z_][\w.-]*:)?ID(?:\s[^>]*)?>$/;

interface Shape {
  /** The message up to and including the ID element's start tag; the whole message when it has no ID. */
  before: string;
  /** From the ID element's end tag on; undefined for a message without an ID. */
  after: string | undefined;
  envelope: AcsEnvelope;
}

export class RepeatedMessageParser {
  private readonly shapes: Shape[] = [];

  /** As parseAcsMessage (throws ProtocolError); the envelope's body may be shared with earlier calls: read it only. */
  parse(xml: string): AcsEnvelope {
    for (let i = 0; i < this.shapes.length; i++) {
      const envelope = this.match(this.shapes[i]!, xml);
      if (envelope) return envelope;
    }
    const envelope = parseAcsMessage(xml);
    if (xml.length <= MAX_CACHED_LENGTH) this.remember(xml, envelope);
    return envelope;
  }

  private match(shape: Shape, xml: string): AcsEnvelope | undefined {
    if (shape.after === undefined) return xml === shape.before ? shape.envelope : undefined;
    const idEnd = xml.length - shape.after.length;
    if (idEnd < shape.before.length || !xml.startsWith(shape.before) || !xml.endsWith(shape.after)) return undefined;
    const id = xml.slice(shape.before.length, idEnd);
    if (!isPlainText(id)) return undefined;
    const { header, cwmpVersion, body } = shape.envelope;
    return { header: { ...header, id }, cwmpVersion, body };
  }

  private remember(xml: string, envelope: AcsEnvelope): void {
    const shape = shapeOf(xml, envelope);
    if (!shape) return;
    if (this.shapes.length === MAX_SHAPES) this.shapes.pop();
    this.shapes.unshift(shape);
    deepFreeze(envelope.body);
  }
}

/** Where the ID's text sits in the message; undefined when it cannot be told from the text alone (markup in it). */
function shapeOf(xml: string, envelope: AcsEnvelope): Shape | undefined {
  const id = envelope.header.id;
  if (id === undefined) return { before: xml, after: undefined, envelope };
  if (!isPlainText(id)) return undefined;
  const at = xml.indexOf(`>${id}</`);
  if (at < 0) return undefined;
  const before = xml.slice(0, at + 1);
  const tagStart = before.lastIndexOf('<');
  if (!ID_START_TAG.test(before.slice(tagStart))) return undefined;
  return { before, after: xml.slice(at + 1 + id.length), envelope };
}

/** Text that cannot change the document around it: no markup, and no cwmp namespace for the version check to find. */
function isPlainText(text: string): boolean {
  return !text.includes('<') && !text.includes('&') && !text.includes(']]>') && !text.includes(CWMP_NAMESPACE);
}

/** A cached body is handed to many sessions: a change by one of them would be a bug, so it throws. */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
