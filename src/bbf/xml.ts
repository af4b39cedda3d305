/**
 * The fast-xml-parser setup shared by the BBF readers, and helpers to walk its output. Descriptions
 * are stop nodes (kept as raw text, never parsed) because they are most of the bytes and unused.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BbfDataModelError } from './errors.js';

/** A parsed element: attributes under `$`, children by local name (namespace prefixes removed). */
export type XmlNode = { $?: Record<string, string> } & Record<string, unknown>;

/** Elements that may repeat; always arrays so the walkers never branch on "one vs many". */
const REPEATED = new Set(['model', 'object', 'parameter', 'dataType', 'enumeration', 'pattern', 'size', 'range', 'default']);

/** Parses `xml` (read from `file`); throws BbfDataModelError when it is not well-formed. */
export function parseBbfXml(xml: string, file: string): XmlNode {
  // The parser itself is lenient (it accepts unclosed tags), so well-formedness is checked first.
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new BbfDataModelError(file, `not well-formed XML: line ${valid.err.line}: ${valid.err.msg}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    attributesGroupName: '$',
    removeNSPrefix: true,
    parseAttributeValue: false,
    parseTagValue: false,
    stopNodes: ['*.description'],
    isArray: (name) => REPEATED.has(name),
  });
  return parser.parse(xml) as XmlNode;
}

export function attr(node: XmlNode, name: string): string | undefined {
  return node.$?.[name];
}

/** The child element `name` as a node; `<x/>` parses to '' and is returned as an attribute-less node. */
export function child(node: XmlNode, name: string): XmlNode | undefined {
  const value = node[name];
  if (value === undefined) return undefined;
  return typeof value === 'object' && value !== null ? (value as XmlNode) : {};
}

/** The repeated child elements `name` (see REPEATED), as nodes. */
export function children(node: XmlNode, name: string): XmlNode[] {
  const value = node[name];
  if (!Array.isArray(value)) return [];
  return value.map((v: unknown) => (typeof v === 'object' && v !== null ? (v as XmlNode) : {}));
}
