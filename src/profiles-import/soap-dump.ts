/**
 * A capture of GetParameterNamesResponse and/or GetParameterValuesResponse SOAP envelopes (one file or several,
 * several envelopes per file allowed), decoded with cpesim's own CWMP codec. Names give objects and writability,
 * values give values and xsi:types; together they give both.
 */
import { ConfigError, CpesimError } from '../errors.js';
import { parseCpeMessage } from '../cwmp/parse.js';
import { typeName, type Dump, type DumpEntry } from './dump.js';

const ENVELOPE_RE = /<(?:[A-Za-z_][\w.-]*:)?Envelope[\s>][\s\S]*?<\/(?:[A-Za-z_][\w.-]*:)?Envelope\s*>/g;

export function parseSoapDump(files: readonly { file: string; text: string }[]): Dump {
  const dump: Dump = { format: 'soap', files: files.map((f) => f.file), entries: [], notes: [] };
  const byPath = new Map<string, DumpEntry>();
  const entry = (path: string): DumpEntry => {
    let e = byPath.get(path);
    if (!e) {
      e = { path, object: path.endsWith('.') };
      byPath.set(path, e);
      dump.entries.push(e);
    }
    return e;
  };
  let sawNames = false;
  let sawValues = false;
  for (const { file, text } of files) {
    const envelopes = text.match(ENVELOPE_RE) ?? [];
    if (envelopes.length === 0) throw new ConfigError('no SOAP Envelope found', { file });
    for (const [k, xml] of envelopes.entries()) {
      let message;
      try {
        message = parseCpeMessage(xml);
      } catch (err) {
        if (err instanceof CpesimError) throw new ConfigError(`envelope ${k + 1}: ${err.message}`, { file, line: lineOf(text, xml) });
        throw err;
      }
      dump.cwmpVersion ??= message.cwmpVersion;
      const body = message.body;
      if (body.method === 'GetParameterNamesResponse') {
        sawNames = true;
        for (const p of body.parameterList) entry(p.name).writable = p.writable;
      } else if (body.method === 'GetParameterValuesResponse') {
        sawValues = true;
        for (const p of body.parameterList) {
          const e = entry(p.name);
          e.value = p.value;
          e.type = typeName(p.type);
        }
      } else {
        dump.notes.push(`${file}: envelope ${k + 1} (${body.method}) is not a GetParameterNames/ValuesResponse: skipped`);
      }
    }
  }
  if (!sawValues) dump.notes.push('no GetParameterValuesResponse: every value is the type\'s zero value, every type is string unless the name says otherwise');
  if (!sawNames) dump.notes.push('no GetParameterNamesResponse: writability unknown (read-only assumed), tables found from instance numbers only');
  return dump;
}

function lineOf(text: string, part: string): number {
  return text.slice(0, text.indexOf(part)).split('\n').length;
}
