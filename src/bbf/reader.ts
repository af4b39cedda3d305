/**
 * Reads a BBF "full" data-model XML file (every import resolved into one `<model>`) into the typed
 * list of objects and parameters in src/bbf/types.ts.
 */
import { readFileSync } from 'node:fs';
import { DataTypeTable } from './data-types.js';
import { BbfDataModelError } from './errors.js';
import { parentObjectPath } from './paths.js';
import type { BbfAccess, BbfActiveNotify, BbfDataModel, BbfObject, BbfParameter, BbfStatus } from './types.js';
import { attr, child, children, parseBbfXml, type XmlNode } from './xml.js';

export interface ReadBbfOptions {
  /** More files with top-level dataType definitions (e.g. tr-106-types.xml), used after the model file's own. */
  typeFiles?: string[];
}

const STATUSES: readonly BbfStatus[] = ['current', 'deprecated', 'obsoleted', 'deleted'];
const ACTIVE_NOTIFY: readonly BbfActiveNotify[] = ['normal', 'canDeny', 'forceEnabled', 'forceDefaultEnabled'];

function oneOf<T extends string>(file: string, where: string, value: string | undefined, allowed: readonly T[], dflt: T): T {
  if (value === undefined) return dflt;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new BbfDataModelError(file, `${where}: unexpected value "${value}" (expected ${allowed.join(' | ')})`);
}

function readDocument(file: string): XmlNode {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BbfDataModelError(file, 'cannot read file', { cause: err });
  }
  const parsed = parseBbfXml(text, file);
  const document = child(parsed, 'document');
  if (!document) throw new BbfDataModelError(file, 'no <dm:document> root element');
  return document;
}

export function readBbfDataModel(file: string, options: ReadBbfOptions = {}): BbfDataModel {
  const document = readDocument(file);
  const types = new DataTypeTable(file);
  types.addDefinitions(document);
  for (const typeFile of options.typeFiles ?? []) types.addDefinitions(readDocument(typeFile));

  const models = children(document, 'model');
  if (models.length !== 1) throw new BbfDataModelError(file, `expected exactly one <model>, found ${models.length}`);
  const model = models[0]!;

  const access = (where: string, node: XmlNode): BbfAccess =>
    oneOf(file, where, attr(node, 'access'), ['readOnly', 'readWrite'] as const, 'readOnly');
  const status = (where: string, node: XmlNode): BbfStatus => oneOf(file, where, attr(node, 'status'), STATUSES, 'current');

  const objects: BbfObject[] = children(model, 'object').map((obj) => {
    const name = attr(obj, 'name');
    if (name === undefined) throw new BbfDataModelError(file, '<object> without name');
    const parameters: BbfParameter[] = children(obj, 'parameter').map((p) => {
      const paramName = `${name}${attr(p, 'name') ?? ''}`;
      const syntax = child(p, 'syntax');
      if (!syntax) throw new BbfDataModelError(file, `${paramName}: no <syntax>`);
      return {
        name: paramName,
        access: access(paramName, p),
        status: status(paramName, p),
        activeNotify: oneOf(file, paramName, attr(p, 'activeNotify'), ACTIVE_NOTIFY, 'normal'),
        forcedInform: attr(p, 'forcedInform') === 'true',
        syntax: types.resolveSyntax(syntax, paramName),
      };
    });
    const maxEntries = attr(obj, 'maxEntries') ?? '1';
    const numEntries = attr(obj, 'numEntriesParameter');
    const object: BbfObject = {
      name,
      access: access(name, obj),
      status: status(name, obj),
      minEntries: Number(attr(obj, 'minEntries') ?? '1'),
      multiInstance: name.endsWith('.{i}.'),
      parameters,
    };
    if (maxEntries !== 'unbounded') object.maxEntries = Number(maxEntries);
    if (numEntries !== undefined) object.numEntriesParameter = parentObjectPath(name) + numEntries;
    return object;
  });

  return {
    file,
    model: attr(model, 'name') ?? '',
    spec: attr(document, 'spec') ?? '',
    objects,
  };
}
