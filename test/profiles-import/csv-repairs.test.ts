/** Hand-edited genieacs-sim CSVs: the malformed rows the importer can read one way only, and the inconsistencies it reports. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { buildImportedProfile } from '../../src/profiles-import/build-profile.js';
import { parseCsvDump } from '../../src/profiles-import/csv-dump.js';

const HEADER = 'Parameter,Object,Writable,Value,Value type';
const IGD = 'InternetGatewayDevice';

test('CSV rows with a stray comma, a space for a comma or a short object row are read and noted with their line', () => {
  const dump = parseCsvDump(
    [
      HEADER,
      `${IGD}.WANDevice.1.X.DNSServer,false,true,202.155.0.150,202.155.0.10,xsd:string `,
      `${IGD}.WANDevice.1.X.Enable false,true,true,xsd:boolean`,
      `${IGD}.WANDevice.1.X.Rule.1,true,true`,
      `${IGD}.WANDevice.1.X.Name,false,true,plain,xsd:string`,
    ].join('\n'),
    'hand.csv',
  );
  assert.deepEqual(
    dump.entries.map((e) => [e.path, e.object, e.writable, e.value, e.type]),
    [
      [`${IGD}.WANDevice.1.X.DNSServer`, false, true, '202.155.0.150,202.155.0.10', 'string'],
      [`${IGD}.WANDevice.1.X.Enable`, false, true, 'true', 'boolean'],
      [`${IGD}.WANDevice.1.X.Rule.1.`, true, true, undefined, undefined],
      [`${IGD}.WANDevice.1.X.Name`, false, true, 'plain', 'string'],
    ],
  );
  assert.equal(dump.notes.length, 3, dump.notes.join('\n'));
  assert.match(dump.notes[0]!, /^line 2: 6 columns: the value's unquoted comma/);
  assert.match(dump.notes[1]!, /^line 3: 4 columns: ".*Enable false" read as the name and the Object column/);
  assert.match(dump.notes[2]!, /^line 4: an object row with 3 columns/);
});

test('CSV rows that cannot be read one way only stay errors naming the line', () => {
  const bad = (row: string) => () => parseCsvDump(`${HEADER}\n${IGD}.A,false,false,1,xsd:int\n${row}\n`, 'bad.csv');
  const atLine3 = (e: unknown) => e instanceof ConfigError && e.line === 3 && /expected 5 columns/.test(e.message);
  assert.throws(bad(`${IGD}.B,false,false`), atLine3, 'a parameter row cut short');
  assert.throws(bad(`${IGD}.B,true,false,1,2,3`), atLine3, 'an object row with extra cells');
  assert.throws(bad(`${IGD}.B,false,false,1,2,not a type`), atLine3, 'no type in the last cell');
});

test('a counter that disagrees with its table is reported; an empty table under a multi-instance parent is reported once', () => {
  const rows = [HEADER, 'DeviceID.OUI,false,false,0A1B2C,xsd:string', `${IGD}.DeviceInfo.SerialNumber,false,false,EX123456,xsd:string`];
  rows.push(`${IGD}.WANDevice.1.WANConnectionDevice.1.WANPPPConnectionNumberOfEntries,false,false,0,xsd:unsignedInt`);
  rows.push(`${IGD}.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.1,true,true,,`);
  rows.push(`${IGD}.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.1.Username,false,true,u,xsd:string`);
  for (const k of [1, 2, 3]) rows.push(`${IGD}.FireWall.FilterMode.${k},true,true,,`, `${IGD}.FireWall.FilterMode.${k}.MacFilter,true,true,,`);
  rows.push(`${IGD}.FireWall.FilterModeNumberOfEntries,false,false,3,xsd:unsignedInt`);
  const { report, yaml } = buildImportedProfile(parseCsvDump(rows.join('\n'), 'x.csv'));
  const lines = (kind: string, text: RegExp) => report.filter((r) => r.kind === kind && text.test(r.message));
  assert.equal(lines('value', /WANPPPConnectionNumberOfEntries: the dump's counter disagrees .*= 0 for 1/).length, 1, report.map((r) => r.message).join('\n'));
  assert.equal(lines('value', /FilterModeNumberOfEntries/).length, 0, 'a counter that agrees is not reported');
  assert.equal(lines('instances', /FilterMode\.\{i\}\.MacFilter\.: writable object without instances/).length, 1);
  assert.match(yaml, /FilterMode\.\{i\}\.MacFilter\.\{i\}\.: \{ writable: true, instances: 0 \}/);
});

test('the device\'s own WAN address becomes a template; its PPP peer and gateway (the operator\'s) are kept', () => {
  const ppp = `${IGD}.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.1`;
  const rows = [HEADER, 'DeviceID.OUI,false,false,0A1B2C,xsd:string', `${IGD}.DeviceInfo.SerialNumber,false,false,EX123456,xsd:string`];
  rows.push(`${ppp}.ExternalIPAddress,false,false,182.29.4.3,xsd:string`, `${ppp}.RemoteIPAddress,false,false,182.29.16.3,xsd:string`);
  rows.push(`${ppp}.X_VENDOR_DefaultGateway,false,false,182.29.16.3,xsd:string`, `${ppp}.DNSServers,false,true,202.155.0.150,xsd:string`);
  const { yaml } = buildImportedProfile(parseCsvDump(rows.join('\n'), 'x.csv'));
  assert.match(yaml, /\.ExternalIPAddress: \{ type: string, value: "\{\{ipv4:100\.64\.0\.0\/10\}\}" \}/);
  assert.match(yaml, /\.RemoteIPAddress: \{ type: string, value: "182\.29\.16\.3" \}/);
  assert.match(yaml, /\.X_VENDOR_DefaultGateway: \{ type: string, value: "182\.29\.16\.3" \}/);
  assert.match(yaml, /\.DNSServers: \{ type: string, writable: true, value: "202\.155\.0\.150" \}/);
});
