/**
 * The entity decoder handed to fast-xml-parser (its `entityDecoder` option). Created once per
 * process: the library's default builds a fresh decoder with merged entity tables for every parse,
 * which was the largest single cost of parsing a small CWMP message. Decodes the five XML entities
 * and numeric character references; entities declared in a DOCTYPE are never expanded (no entity
 * expansion attacks from a hostile peer), unknown ones are left as written.
 */

const ENTITY_RE = /&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/g;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function replaceEntity(whole: string, dec: string | undefined, hex: string | undefined, name: string | undefined): string {
  if (name !== undefined) return NAMED[name] ?? whole;
  const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
}

export const xmlEntityDecoder = {
  decode(text: string): string {
    return text.includes('&') ? text.replace(ENTITY_RE, replaceEntity) : text;
  },
  // Per-document hooks of the decoder interface: nothing to keep or reset.
  reset(): void {},
  setXmlVersion(): void {},
  setExternalEntities(): void {},
  addInputEntities(): void {},
};
