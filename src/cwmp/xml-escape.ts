/**
 * Escaping of element text for the string-template builders. cpesim writes no attribute whose
 * value comes from data (only fixed xsi:type / arrayType / mustUnderstand values), so text
 * escaping is all it needs.
 */

// \r is escaped too: a parser would normalise a literal CR to LF and change the value.
const TEXT_SPECIALS = /[&<>\r]/;
const TEXT_SPECIALS_ALL = /[&<>\r]/g;

function escapeChar(c: string): string {
  switch (c) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    default:
      return '&#13;';
  }
}

/** Escapes element text. Fast path: most values need no escaping and are returned as they are. */
export function escapeXmlText(s: string): string {
  return TEXT_SPECIALS.test(s) ? s.replace(TEXT_SPECIALS_ALL, escapeChar) : s;
}
