import type { AcsRequest, ParameterValue } from '../cwmp/messages.js';

/** What the ACS sets on every CPE that bootstraps (the usual first job of a production ACS). */
export interface ProvisioningSettings {
  connectionRequestUsername: string;
  connectionRequestPassword: string;
  periodicInformInterval: number;
  /** ManagementServer.ConnReqAllowedJabberIDs (set when given): the ACS's JID for XMPP connection requests. */
  allowedJabberIds?: string | undefined;
}

export const PROVISIONING_PARAMETER_KEY = 'cpesim-bootstrap';

/** The data-model root a CPE reports, read from its Inform parameter names; undefined when none tells. */
export function dataModelRoot(parameters: readonly ParameterValue[]): 'InternetGatewayDevice' | 'Device' | undefined {
  for (const { name } of parameters) {
    if (name.startsWith('InternetGatewayDevice.')) return 'InternetGatewayDevice';
    if (name.startsWith('Device.')) return 'Device';
  }
  return undefined;
}

/** SetParameterValues of the ManagementServer settings, then GetParameterValues of DeviceInfo. */
export function bootstrapRequests(
  root: 'InternetGatewayDevice' | 'Device',
  settings: ProvisioningSettings,
): [AcsRequest & { method: 'SetParameterValues' }, AcsRequest & { method: 'GetParameterValues' }] {
  const ms = `${root}.ManagementServer.`;
  return [
    {
      method: 'SetParameterValues',
      parameterKey: PROVISIONING_PARAMETER_KEY,
      parameterList: [
        { name: `${ms}ConnectionRequestUsername`, value: settings.connectionRequestUsername, type: 'string' },
        { name: `${ms}ConnectionRequestPassword`, value: settings.connectionRequestPassword, type: 'string' },
        { name: `${ms}PeriodicInformInterval`, value: String(settings.periodicInformInterval), type: 'unsignedInt' },
        ...(settings.allowedJabberIds !== undefined ? [{ name: `${ms}ConnReqAllowedJabberIDs`, value: settings.allowedJabberIds, type: 'string' as const }] : []),
      ],
    },
    { method: 'GetParameterValues', parameterNames: [`${root}.DeviceInfo.`] },
  ];
}
