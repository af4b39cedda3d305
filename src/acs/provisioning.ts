import type { AcsRequest, ParameterValue } from '../cwmp/messages.js';

/** What the ACS sets on every CPE that bootstraps (the usual first job of a production ACS). */
export interface ProvisioningSettings {
  /**
   * "{serial}" in it becomes the device's SerialNumber: UDP connection requests (TR-069 Annex G) name the CPE by
   * username, so CPEs sharing one UDP address (a cpesim shard) need distinct ones.
   */
  connectionRequestUsername: string;
  connectionRequestPassword: string;
  periodicInformInterval: number;
  /** ManagementServer.ConnReqAllowedJabberIDs (set when given): the ACS's JID for XMPP connection requests. */
  allowedJabberIds?: string | undefined;
}

export const PROVISIONING_PARAMETER_KEY = 'cpesim-bootstrap';

/** The ConnectionRequestUsername/Password the ACS gives the device with this SerialNumber. */
export function provisionedCredentials(settings: ProvisioningSettings, serialNumber: string): { username: string; password: string } {
  return { username: settings.connectionRequestUsername.replaceAll('{serial}', serialNumber), password: settings.connectionRequestPassword };
}

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
  serialNumber: string,
): [AcsRequest & { method: 'SetParameterValues' }, AcsRequest & { method: 'GetParameterValues' }] {
  const ms = `${root}.ManagementServer.`;
  const credentials = provisionedCredentials(settings, serialNumber);
  return [
    {
      method: 'SetParameterValues',
      parameterKey: PROVISIONING_PARAMETER_KEY,
      parameterList: [
        { name: `${ms}ConnectionRequestUsername`, value: credentials.username, type: 'string' },
        { name: `${ms}ConnectionRequestPassword`, value: credentials.password, type: 'string' },
        { name: `${ms}PeriodicInformInterval`, value: String(settings.periodicInformInterval), type: 'unsignedInt' },
        ...(settings.allowedJabberIds !== undefined ? [{ name: `${ms}ConnReqAllowedJabberIDs`, value: settings.allowedJabberIds, type: 'string' as const }] : []),
      ],
    },
    { method: 'GetParameterValues', parameterNames: [`${root}.DeviceInfo.`] },
  ];
}
