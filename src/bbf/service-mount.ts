/**
 * BBF service data models (TR-135 STBService, TR-104 VoiceService) are written without a root: their objects are
 * "STBService.{i}." and their table counter is a parameter of the model itself. A device carries them under
 * `<root>.Services.`; this turns such a model into a rooted one the profile builder takes like TR-098 / TR-181.
 */
import type { BbfDataModel, BbfObject, BbfParameter } from './types.js';

/** `service` with every path under `<root>.Services.`, plus the root and Services objects holding `countParameter`. */
export function mountServiceModel(service: BbfDataModel, root: string, countParameter: string): BbfDataModel {
  const services = `${root}.Services.`;
  const count: BbfParameter = {
    name: services + countParameter,
    access: 'readOnly',
    status: 'current',
    activeNotify: 'normal',
    forcedInform: false,
    syntax: { baseType: 'unsignedInt', enumeration: [], patterns: [], sizes: [], ranges: [], hidden: false, secured: false, command: false },
  };
  const container = (name: string, parameters: BbfParameter[]): BbfObject => ({ name, access: 'readOnly', status: 'current', minEntries: 1, maxEntries: 1, multiInstance: false, parameters });
  const objects = service.objects.map((o): BbfObject => {
    const mounted: BbfObject = { ...o, name: services + o.name, parameters: o.parameters.map((p) => ({ ...p, name: services + p.name })) };
    if (o.numEntriesParameter !== undefined) mounted.numEntriesParameter = services + o.numEntriesParameter;
    return mounted;
  });
  return { ...service, objects: [container(`${root}.`, []), container(services, [count]), ...objects] };
}
