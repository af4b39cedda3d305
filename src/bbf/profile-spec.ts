/**
 * What a shipped profile is made of: which parts of a BBF data model a device type implements and
 * the values that make each simulated device look real. The builder turns a spec plus the BBF model
 * into profile YAML.
 */
import type { CwmpVersion } from '../cwmp/messages.js';
import type { RawGenerator } from '../datamodel/generators.js';

export interface ProfileSpec {
  /** Profile name and output file stem (profiles/<profile>.yaml). */
  profile: string;
  description: string;
  /** File name of the BBF full data-model XML in the BBF directory. */
  source: string;
  root: 'InternetGatewayDevice' | 'Device';
  cwmpVersion: CwmpVersion;
  /** Templates for the DeviceIdStruct of every Inform. */
  deviceId: { manufacturer: string; oui: string; productClass: string; serialNumber: string };
  /**
   * Generic object paths whose whole subtree the device implements. The root object's own
   * parameters are always included. Every included object's parent must be included too.
   */
  include: string[];
  /** Generic object paths whose subtree is left out of the included ones. */
  exclude: string[];
  /** Initial instances per parent instance of tables that start with more than one (default 1). */
  instances: Record<string, number>;
  /** Value templates by generic parameter path, overriding the XML default / type zero value. */
  values: Record<string, string>;
  /**
   * Per-instance value templates by generic parameter path, then by the concrete instance numbers of
   * the path's tables joined with "." ("1.2" = first table's instance 1, second's instance 2). Written
   * to the profile as the parameter's `instanceValues`; instances not listed keep `values` / the default.
   */
  instanceValues?: Record<string, Record<string, string>>;
  /** Parameters this device also sends in every Inform besides those the XML marks forcedInform. */
  forcedInform: string[];
  /** Value generators by generic parameter path (traffic counters, gauges, flipping states), written as `generator`. */
  generators?: Record<string, RawGenerator>;
  /** A layer over this shipped profile (written as `extends:`), e.g. a service model added to a gateway. */
  extends?: string;
  /**
   * `source` is a BBF service model (no root: "STBService.{i}."): mounted under `<root>.Services.`, whose counter
   * of the service table is this parameter (the model's own top-level parameter).
   */
  serviceCountParameter?: string;
  /** The source file of this spec, named in the generated file's header (default src/bbf/gateway-profiles.ts). */
  specFile?: string;
}
