/**
 * Validates CWMP SOAP envelopes against the BBF schemas with xmllint (method B of
 * shared/bbf/VALIDATE.md): an XML catalog maps the SOAP schema URLs to the strict local stand-ins
 * in test/fixtures/soap/ (strict Header/Body children, so a misspelt method element fails) and the
 * broadband-forum.org URLs used by cwmp-1-3.xsd / cwmp-1-4.xsd's include/redefine to BBF_DIR.
 *
 * Versions 3 and 4: the BBF publishes cwmp-1-3.xsd and cwmp-1-4.xsd in the cwmp-1-2 namespace,
 * while cpesim writes urn:dslforum-org:cwmp-1-3 / -1-4 (as CPEs in the field do). The document's
 * namespace URI is therefore mapped to cwmp-1-2 before it is checked against that version's schema.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CwmpVersion } from '../../src/cwmp/messages.js';
import { cwmpNamespace } from '../../src/cwmp/namespaces.js';
import { BBF_DIR, PACKAGE_ROOT } from '../../src/paths.js';

export interface ValidationResult {
  ok: boolean;
  /** xmllint's messages about this document (empty-ish when it validates). */
  output: string;
}

const STUBS_DIR = join(PACKAGE_ROOT, 'test', 'fixtures', 'soap');

let workDir: string | undefined;
let docCounter = 0;

/** Per-process temp folder holding the catalog and the documents under test, removed at exit. */
function ensureWorkDir(): string {
  if (workDir !== undefined) return workDir;
  const dir = mkdtempSync(join(tmpdir(), 'cpesim-xsd-'));
  const bbfUrl = `file://${BBF_DIR}/`;
  writeFileSync(
    join(dir, 'catalog.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
  <uri name="http://schemas.xmlsoap.org/soap/envelope/" uri="file://${join(STUBS_DIR, 'soapenv-stub.xsd')}"/>
  <uri name="http://schemas.xmlsoap.org/soap/encoding/" uri="file://${join(STUBS_DIR, 'soapenc-stub.xsd')}"/>
  <rewriteURI uriStartString="http://www.broadband-forum.org/cwmp/" rewritePrefix="${bbfUrl}"/>
  <rewriteURI uriStartString="https://www.broadband-forum.org/cwmp/" rewritePrefix="${bbfUrl}"/>
</catalog>
`,
  );
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  workDir = dir;
  return dir;
}

/** The document as the BBF schema of `version` expects its namespace (see the module comment). */
function inSchemaNamespace(xml: string, version: CwmpVersion): string {
  return version > 2 ? xml.replaceAll(`"${cwmpNamespace(version)}"`, `"${cwmpNamespace(2)}"`) : xml;
}

/** Validates several documents of one version with a single xmllint run (one schema compile). */
export function validateCwmpEnvelopes(xmls: readonly string[], version: CwmpVersion): ValidationResult[] {
  const dir = ensureWorkDir();
  const files = xmls.map((xml) => {
    const file = join(dir, `doc-${docCounter++}.xml`);
    writeFileSync(file, inSchemaNamespace(xml, version));
    return file;
  });
  const run = spawnSync(
    'xmllint',
    ['--nonet', '--noout', '--schema', join(BBF_DIR, `cwmp-1-${version}.xsd`), ...files],
    { env: { ...process.env, XML_CATALOG_FILES: join(dir, 'catalog.xml') }, encoding: 'utf8', timeout: 30_000 },
  );
  for (const file of files) rmSync(file, { force: true });
  if (run.error) throw run.error;
  const lines = `${run.stdout}${run.stderr}`.split('\n');
  return files.map((file) => {
    const own = lines.filter((l) => l.startsWith(file));
    return { ok: own.includes(`${file} validates`), output: own.join('\n') || lines.join('\n') };
  });
}

/** Validates one SOAP envelope against cwmp-1-<version>.xsd plus the strict SOAP stand-ins. */
export function validateCwmpEnvelope(xml: string, version: CwmpVersion): ValidationResult {
  const [result] = validateCwmpEnvelopes([xml], version);
  if (result === undefined) throw new Error('xmllint gave no result');
  return result;
}
