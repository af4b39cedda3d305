/**
 * The SoftwareModules part of the shipped gateway profiles (TR-157 as mapped into TR-098 and TR-181): one
 * execution environment, and the DeploymentUnit / ExecutionUnit tables empty at first: the device fills them
 * when ChangeDUState installs software (src/cpe/du-state.ts). The rarely modelled sub-objects are left out.
 */
import type { ProfileSpec } from './profile-spec.js';

type SpecPart = Pick<ProfileSpec, 'include' | 'exclude' | 'instances' | 'values'>;

/** The spec entries for the SoftwareModules subtree under `root`. */
export function softwareModulesSpec(root: 'InternetGatewayDevice' | 'Device'): SpecPart {
  const sm = `${root}.SoftwareModules.`;
  // TR-098 (1.14) models only ExecEnv, DeploymentUnit, ExecutionUnit and its Extensions; TR-181 has more.
  const extra = root === 'Device' ? ['ExecEnvClass.', 'ExecEnv.{i}.ApplicationData.'] : [];
  const euParts = root === 'Device' ? ['AutoRestart.', 'NetworkConfig.', 'HostObject.', 'EnvVariable.', 'Extensions.'] : ['Extensions.'];
  const exclude = [...extra.map((o) => sm + o), ...euParts.map((o) => `${sm}ExecutionUnit.{i}.${o}`)];
  return {
    include: [sm],
    exclude,
    instances: { [`${sm}DeploymentUnit.{i}.`]: 0, [`${sm}ExecutionUnit.{i}.`]: 0 },
    values: {
      [`${sm}ExecEnv.{i}.Enable`]: 'true',
      [`${sm}ExecEnv.{i}.Status`]: 'Up',
      [`${sm}ExecEnv.{i}.Name`]: 'cpesim-linux',
      [`${sm}ExecEnv.{i}.Type`]: 'Linux',
      [`${sm}ExecEnv.{i}.Vendor`]: 'cpesim',
      [`${sm}ExecEnv.{i}.Version`]: '5.15',
      // The device writes each unit's own UUID when it installs it; this is only the schema-valid default.
      [`${sm}DeploymentUnit.{i}.UUID`]: '00000000-0000-0000-0000-000000000000',
    },
  };
}
