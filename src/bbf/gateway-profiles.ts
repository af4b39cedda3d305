/**
 * The shipped home-gateway profiles: which BBF subtrees a typical DSL/Ethernet home gateway
 * implements and the values that make each simulated device look like a real one. Per-device values
 * use the profile templates ({{serial}}, {{mac:K}}, {{ipv4:CIDR}}, ...), per-instance values (the LAN vs
 * the WAN IP interface, the 5 GHz radio) use `instanceValues`; everything not listed here gets its XML
 * default or a type zero value (see profile-builder.ts).
 */
import type { RawGenerator } from '../datamodel/generators.js';
import type { ProfileSpec } from './profile-spec.js';
import { softwareModulesSpec } from './software-modules-spec.js';

const TR098_SOFTWARE_MODULES = softwareModulesSpec('InternetGatewayDevice');
const TR181_SOFTWARE_MODULES = softwareModulesSpec('Device');

/** `{ Leaf: value }` under one object -> `{ 'Object.Leaf': value }`. */
function under<T>(object: string, values: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(values).map(([leaf, value]) => [object + leaf, value]));
}

const MANUFACTURER = 'cpesim';
const OUI = '00D09E';
const SOFTWARE_VERSION = '4.2.1';
const SERIAL = 'CPESIM{{index:8}}';
/** A per-device UUID (RFC 4122 shape) from the index: valid while the index has at most 8 digits. */
const DEVICE_UUID = '6f1c0e2a-8d3b-4c5e-9a7f-0000{{index:8}}';
const ACS_URL = 'http://127.0.0.1:7547/';
const WAN_IPV4 = '{{ipv4:100.64.0.0/10}}';
const WAN_IPV4_MASK = '255.192.0.0';
const LAN_IPV4 = '192.168.1.1';
const LAN_IPV4_MASK = '255.255.255.0';

/**
 * What a home gateway changes by itself (value generators): a few hundred kbit/s of traffic (downstream
 * about four times upstream), a CPU mostly idle, free memory that moves, LAN hosts coming and going.
 * The TR-181 counters are unsignedLong; TR-098's are unsignedInt and wrap at 2^32 like real ones.
 */
const TRAFFIC_UP: RawGenerator = { kind: 'counter', rate: '30000/s' };
const TRAFFIC_DOWN: RawGenerator = { kind: 'counter', rate: '120000/s' };
const WLAN_UP: RawGenerator = { kind: 'counter', rate: '8000/s' };
const WLAN_DOWN: RawGenerator = { kind: 'counter', rate: '40000/s' };
const CPU_USAGE: RawGenerator = { kind: 'gauge', min: 2, max: 35, interval: '10s', period: '5m' };
const MEMORY_FREE: RawGenerator = { kind: 'randomWalk', min: 60000, max: 180000, step: 500, interval: '10s' };
const HOST_ACTIVE: RawGenerator = { kind: 'flip', values: [true, false], period: '2h' };
const MEMORY_TOTAL_KIB = '262144';

/**
 * A device's 16 MACs ({{mac:0}}..{{mac:15}}), the same plan in both profiles so each MAC names one
 * interface: 0 WAN, 1 LAN bridge, 2..5 the four Ethernet ports (1+i), 6..7 the two WLANs / SSIDs (5+i).
 */
const MAC = { wan: '{{mac:0}}', lan: '{{mac:1}}', ethernetPort: '{{mac:1+i}}', wlan: '{{mac:5+i}}' };

/** The second radio / WLAN works in the 5 GHz band. */
const CHANNELS_24GHZ = '1-13';
const CHANNELS_5GHZ = '36-64,100-140';

/** ManagementServer values shared by TR-098 and TR-181 (same parameter names there). */
const MANAGEMENT_SERVER = {
  EnableCWMP: 'true',
  URL: ACS_URL,
  PeriodicInformEnable: 'true',
  PeriodicInformInterval: '300',
  PeriodicInformTime: '0001-01-01T00:00:00Z',
  ParameterKey: '',
  ConnectionRequestURL: '{{crUrl}}',
  ConnectionRequestUsername: 'cpe{{index:8}}',
  ConnectionRequestPassword: 'cr-{{serial}}',
  CWMPRetryMinimumWaitInterval: '5',
  CWMPRetryIntervalMultiplier: '2000',
  SupportedConnReqMethods: 'HTTP',
};

/** DeviceInfo values shared by TR-098 and TR-181. */
const DEVICE_INFO = {
  Manufacturer: MANUFACTURER,
  ManufacturerOUI: '{{oui}}',
  SerialNumber: '{{serial}}',
  ProvisioningCode: '',
  UpTime: '{{uptime}}',
  FirstUseDate: '2024-01-15T09:30:00Z',
  'MemoryStatus.Total': MEMORY_TOTAL_KIB,
};

export const TR098_GATEWAY: ProfileSpec = {
  profile: 'tr098',
  description: 'TR-098 ADSL2+ home gateway: 4 LAN ports, dual WLAN, DHCP WAN (IP) plus a PPPoE connection',
  source: 'tr-098-1-8-0-full.xml',
  root: 'InternetGatewayDevice',
  cwmpVersion: 0,
  deviceId: { manufacturer: MANUFACTURER, oui: OUI, productClass: 'HG2000', serialNumber: SERIAL },
  include: [
    'InternetGatewayDevice.Services.',
    'InternetGatewayDevice.DeviceInfo.',
    'InternetGatewayDevice.DeviceConfig.',
    'InternetGatewayDevice.ManagementServer.',
    'InternetGatewayDevice.Time.',
    'InternetGatewayDevice.UserInterface.',
    'InternetGatewayDevice.Layer3Forwarding.',
    'InternetGatewayDevice.LANDevice.',
    'InternetGatewayDevice.WANDevice.',
    'InternetGatewayDevice.IPPingDiagnostics.',
    'InternetGatewayDevice.TraceRouteDiagnostics.',
    'InternetGatewayDevice.DownloadDiagnostics.',
    'InternetGatewayDevice.UploadDiagnostics.',
    'InternetGatewayDevice.Capabilities.',
    'InternetGatewayDevice.Firewall.',
    ...TR098_SOFTWARE_MODULES.include,
  ],
  exclude: [
    'InternetGatewayDevice.DeviceInfo.Location.',
    'InternetGatewayDevice.DeviceInfo.ProxierInfo.',
    'InternetGatewayDevice.ManagementServer.ManageableDevice.',
    'InternetGatewayDevice.ManagementServer.EmbeddedDevice.',
    'InternetGatewayDevice.ManagementServer.VirtualDevice.',
    'InternetGatewayDevice.ManagementServer.InformParameter.',
    'InternetGatewayDevice.UserInterface.LocalDisplay.',
    'InternetGatewayDevice.LANDevice.{i}.LANHostConfigManagement.DHCPStaticAddress.',
    'InternetGatewayDevice.LANDevice.{i}.LANHostConfigManagement.DHCPOption.',
    'InternetGatewayDevice.LANDevice.{i}.LANHostConfigManagement.DHCPConditionalServingPool.',
    'InternetGatewayDevice.LANDevice.{i}.LANUSBInterfaceConfig.',
    'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.AssociatedDevice.',
    'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.WPS.Registrar.',
    'InternetGatewayDevice.WANDevice.{i}.WANCommonInterfaceConfig.Connection.',
    'InternetGatewayDevice.WANDevice.{i}.WANEthernetInterfaceConfig.',
    'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANPTMLinkConfig.',
    'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANEthernetLinkConfig.',
    'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANPOTSLinkConfig.',
    'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANIPConnection.{i}.DHCPClient.',
    'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANIPConnection.{i}.PortMapping.',
    'InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANPPPConnection.{i}.PortMapping.',
    ...TR098_SOFTWARE_MODULES.exclude,
  ],
  instances: {
    'InternetGatewayDevice.LANDevice.{i}.LANEthernetInterfaceConfig.{i}.': 4,
    'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.': 2,
    'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.WEPKey.{i}.': 4,
    'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.PreSharedKey.{i}.': 10,
    'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.APWMMParameter.{i}.': 4,
    'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.STAWMMParameter.{i}.': 4,
    'InternetGatewayDevice.LANDevice.{i}.Hosts.Host.{i}.': 2,
    ...TR098_SOFTWARE_MODULES.instances,
    // Filled by the device when a traceroute completes (src/cpe/diagnostics.ts).
    'InternetGatewayDevice.TraceRouteDiagnostics.RouteHops.{i}.': 0,
  },
  values: {
    // HTTP is the only transport of the transfer diagnostics cpesim runs (src/cpe/diagnostics.ts).
    'InternetGatewayDevice.Capabilities.PerformanceDiagnostic.DownloadTransports': 'HTTP',
    'InternetGatewayDevice.Capabilities.PerformanceDiagnostic.UploadTransports': 'HTTP',
    ...under('InternetGatewayDevice.DeviceInfo.', {
      ...DEVICE_INFO,
      ModelName: 'HG2000',
      ModelNumber: 'HG2000-A',
      Description: 'cpesim simulated ADSL2+ home gateway',
      ProductClass: 'HG2000',
      HardwareVersion: 'HG2000-A1',
      SoftwareVersion: SOFTWARE_VERSION,
      ModemFirmwareVersion: 'A2pv6F039',
    }),
    ...under('InternetGatewayDevice.DeviceInfo.SupportedDataModel.{i}.', {
      URL: 'https://www.broadband-forum.org/cwmp/tr-098-1-8-0.xml',
      UUID: 'b0c8a6b6-3f4e-5a1d-9a5e-098108000000',
      URN: 'urn:broadband-forum-org:tr-098-1-8-0',
    }),
    ...under('InternetGatewayDevice.ManagementServer.', MANAGEMENT_SERVER),
    ...under('InternetGatewayDevice.Time.', {
      Enable: 'true',
      NTPServer1: 'pool.ntp.org',
      CurrentLocalTime: '{{now}}',
      LocalTimeZoneName: 'UTC',
      Status: 'Synchronized',
    }),
    'InternetGatewayDevice.Layer3Forwarding.DefaultConnectionService':
      'InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1',
    ...under('InternetGatewayDevice.Layer3Forwarding.Forwarding.{i}.', {
      Enable: 'true',
      Status: 'Enabled',
      Interface: 'InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1',
    }),
    ...under('InternetGatewayDevice.LANDevice.{i}.LANHostConfigManagement.', {
      MACAddress: MAC.lan,
      DHCPServerEnable: 'true',
      MinAddress: '192.168.1.100',
      MaxAddress: '192.168.1.199',
      SubnetMask: LAN_IPV4_MASK,
      DNSServers: LAN_IPV4,
      DomainName: 'home',
      IPRouters: LAN_IPV4,
    }),
    ...under('InternetGatewayDevice.LANDevice.{i}.LANHostConfigManagement.IPInterface.{i}.', {
      Enable: 'true',
      IPInterfaceIPAddress: LAN_IPV4,
      IPInterfaceSubnetMask: LAN_IPV4_MASK,
      IPInterfaceAddressingType: 'Static',
    }),
    ...under('InternetGatewayDevice.LANDevice.{i}.LANEthernetInterfaceConfig.{i}.', {
      Enable: 'true',
      Status: 'Up',
      Name: 'eth{{i}}',
      MACAddress: MAC.ethernetPort,
      MaxBitRate: 'Auto',
      DuplexMode: 'Auto',
    }),
    ...under('InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.', {
      Enable: 'true',
      Status: 'Up',
      Name: 'wl{{i}}',
      BSSID: MAC.wlan,
      MaxBitRate: 'Auto',
      Channel: '6',
      SSID: 'cpesim-{{serial}}-{{i}}',
      BeaconType: '11i',
      Standard: 'n',
      WEPKeyIndex: '1',
      KeyPassphrase: 'wpa-{{serial}}',
      IEEE11iEncryptionModes: 'AESEncryption',
      IEEE11iAuthenticationMode: 'PSKAuthentication',
      PossibleChannels: CHANNELS_24GHZ,
      SSIDAdvertisementEnabled: 'true',
      RadioEnabled: 'true',
      AutoChannelEnable: 'true',
      RegulatoryDomain: 'DE ',
      DeviceOperationMode: 'InfrastructureAccessPoint',
      WMMSupported: 'true',
      WMMEnable: 'true',
      TransmitPower: '100',
    }),
    'InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.WEPKey.{i}.WEPKey': '0000000000',
    ...under('InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.WPS.', {
      DeviceName: 'HG2000',
      UUID: DEVICE_UUID,
    }),
    ...under('InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.APWMMParameter.{i}.', { AIFSN: '3', ECWMin: '4', ECWMax: '10' }),
    ...under('InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.STAWMMParameter.{i}.', { AIFSN: '3', ECWMin: '4', ECWMax: '10' }),
    ...under('InternetGatewayDevice.LANDevice.{i}.Hosts.Host.{i}.', {
      IPAddress: '192.168.1.10{{i}}',
      AddressSource: 'DHCP',
      LeaseTimeRemaining: '86400',
      MACAddress: '02:00:00:00:00:0{{i}}',
      Layer2Interface: 'InternetGatewayDevice.LANDevice.1.LANEthernetInterfaceConfig.1',
      HostName: 'host{{i}}',
      InterfaceType: 'Ethernet',
      Active: 'true',
    }),
    ...under('InternetGatewayDevice.WANDevice.{i}.WANCommonInterfaceConfig.', {
      EnabledForInternet: 'true',
      WANAccessType: 'DSL',
      Layer1UpstreamMaxBitRate: '1024000',
      Layer1DownstreamMaxBitRate: '16384000',
      PhysicalLinkStatus: 'Up',
      MaximumActiveConnections: '2',
      NumberOfActiveConnections: '1',
    }),
    ...under('InternetGatewayDevice.WANDevice.{i}.WANDSLInterfaceConfig.', {
      Enable: 'true',
      Status: 'Up',
      LineEncoding: 'DMT',
      DataPath: 'Fast',
      LineNumber: '1',
      UpstreamCurrRate: '1024',
      DownstreamCurrRate: '16384',
      UpstreamMaxRate: '1200',
      DownstreamMaxRate: '18000',
      UpstreamNoiseMargin: '90',
      DownstreamNoiseMargin: '75',
      UpstreamAttenuation: '120',
      DownstreamAttenuation: '240',
      StandardUsed: 'G.992.5',
    }),
    ...under('InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANDSLLinkConfig.', {
      Enable: 'true',
      LinkStatus: 'Up',
      LinkType: 'EoA',
      DestinationAddress: 'PVC: 1/32',
      ATMEncapsulation: 'LLC',
    }),
    ...under('InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANIPConnection.{i}.', {
      Enable: 'true',
      ConnectionStatus: 'Connected',
      PossibleConnectionTypes: 'IP_Routed,IP_Bridged',
      ConnectionType: 'IP_Routed',
      Name: 'Internet',
      Uptime: '{{uptime}}',
      NATEnabled: 'true',
      AddressingType: 'DHCP',
      ExternalIPAddress: WAN_IPV4,
      SubnetMask: WAN_IPV4_MASK,
      DefaultGateway: '100.64.0.1',
      DNSServers: '100.64.0.1',
      MaxMTUSize: '1500',
      MACAddress: MAC.wan,
      ConnectionTrigger: 'AlwaysOn',
    }),
    ...under('InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANPPPConnection.{i}.', {
      ConnectionStatus: 'Unconfigured',
      PossibleConnectionTypes: 'IP_Routed',
      ConnectionType: 'IP_Routed',
      Name: 'PPPoE',
      Username: 'user{{index:8}}@isp.example',
      MaxMRUSize: '1492',
      CurrentMRUSize: '1492',
      MACAddress: MAC.wan,
      TransportType: 'PPPoE',
    }),
    ...TR098_SOFTWARE_MODULES.values,
  },
  instanceValues: {
    // WLAN 2 is the 5 GHz network.
    ...under('InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.', {
      Channel: { '1.2': '36' },
      PossibleChannels: { '1.2': CHANNELS_5GHZ },
    }),
    // Host 2 is a wireless client.
    ...under('InternetGatewayDevice.LANDevice.{i}.Hosts.Host.{i}.', {
      Layer2Interface: { '1.2': 'InternetGatewayDevice.LANDevice.1.WLANConfiguration.1' },
      InterfaceType: { '1.2': '802.11' },
    }),
  },
  forcedInform: [],
  generators: {
    ...under('InternetGatewayDevice.DeviceInfo.', { 'ProcessStatus.CPUUsage': CPU_USAGE, 'MemoryStatus.Free': MEMORY_FREE }),
    ...under('InternetGatewayDevice.WANDevice.{i}.WANCommonInterfaceConfig.', { TotalBytesSent: TRAFFIC_UP, TotalBytesReceived: TRAFFIC_DOWN }),
    ...under('InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.', { TotalBytesSent: WLAN_DOWN, TotalBytesReceived: WLAN_UP }),
    'InternetGatewayDevice.LANDevice.{i}.Hosts.Host.{i}.Active': HOST_ACTIVE,
  },
};

export const TR181_GATEWAY: ProfileSpec = {
  profile: 'tr181',
  description: 'TR-181 Device:2 Ethernet home gateway: 4 Ethernet ports, dual-band WiFi, LAN and WAN IP interfaces, PPPoE',
  source: 'tr-181-2-19-1-cwmp-full.xml',
  root: 'Device',
  cwmpVersion: 2,
  deviceId: { manufacturer: MANUFACTURER, oui: OUI, productClass: 'HG3000', serialNumber: SERIAL },
  include: [
    'Device.DeviceInfo.',
    'Device.ManagementServer.',
    'Device.Time.',
    'Device.UserInterface.',
    'Device.InterfaceStack.',
    'Device.Ethernet.',
    'Device.WiFi.',
    'Device.PPP.',
    'Device.IP.',
    'Device.Routing.',
    'Device.DHCPv4.',
    'Device.NAT.',
    'Device.Hosts.',
    'Device.DNS.',
    'Device.Users.',
    ...TR181_SOFTWARE_MODULES.include,
  ],
  exclude: [
    'Device.DeviceInfo.LogRotate.',
    'Device.DeviceInfo.Location.',
    'Device.DeviceInfo.ProxierInfo.',
    'Device.DeviceInfo.DeviceImageFile.',
    'Device.DeviceInfo.KernelFaults.',
    'Device.DeviceInfo.ProcessFaults.',
    'Device.DeviceInfo.PowerStatus.',
    'Device.ManagementServer.ManageableDevice.',
    'Device.ManagementServer.EmbeddedDevice.',
    'Device.ManagementServer.VirtualDevice.',
    'Device.ManagementServer.InformParameter.',
    'Device.ManagementServer.DownloadAvailability.',
    'Device.Time.Client.',
    'Device.Time.Server.',
    'Device.UserInterface.HTTPAccess.',
    'Device.UserInterface.LocalDisplay.',
    'Device.UserInterface.Messages.',
    'Device.Ethernet.VLANTermination.',
    'Device.Ethernet.LAG.',
    'Device.Ethernet.RMONStats.',
    'Device.Ethernet.WoL.',
    'Device.WiFi.DataElements.',
    'Device.WiFi.CCAMeasurementDiagnostic.',
    'Device.WiFi.RemoteMeasurementDiagnostic.',
    'Device.WiFi.NeighboringWiFiDiagnostic.',
    'Device.WiFi.AccessPoint.{i}.AssociatedDevice.',
    'Device.WiFi.AccessPoint.{i}.Interworking.',
    'Device.WiFi.AccessPoint.{i}.ANQP.',
    'Device.WiFi.AccessPoint.{i}.Passpoint.',
    'Device.WiFi.AccessPoint.{i}.Accounting.',
    'Device.WiFi.EndPoint.',
    'Device.IP.Interface.{i}.TWAMPReflector.',
    'Device.IP.Interface.{i}.IPv6Prefix.',
    'Device.IP.ActivePort.',
    'Device.IP.Diagnostics.DownloadDiagnostics.PerConnectionResult.',
    'Device.IP.Diagnostics.DownloadDiagnostics.IncrementalResult.',
    'Device.IP.Diagnostics.UploadDiagnostics.PerConnectionResult.',
    'Device.IP.Diagnostics.UploadDiagnostics.IncrementalResult.',
    'Device.IP.Diagnostics.UDPEchoDiagnostics.',
    'Device.IP.Diagnostics.IPLayerCapacityMetrics.',
    'Device.IP.Diagnostics.ServerSelectionDiagnostics.',
    'Device.Routing.Router.{i}.IPv6Forwarding.',
    'Device.Routing.RIP.',
    'Device.Routing.RouteInformation.',
    'Device.Routing.Babel.',
    'Device.DHCPv4.Client.{i}.SentOption.',
    'Device.DHCPv4.Client.{i}.ReqOption.',
    'Device.DHCPv4.Server.Pool.{i}.StaticAddress.',
    'Device.DHCPv4.Server.Pool.{i}.Option.',
    'Device.DHCPv4.Server.Pool.{i}.Client.',
    'Device.DHCPv4.Relay.',
    'Device.NAT.PortMapping.',
    'Device.NAT.PortTrigger.',
    'Device.Hosts.Host.{i}.IPv6Address.',
    'Device.Hosts.AccessControl.',
    'Device.DNS.Zone.',
    'Device.DNS.Relay.Config.',
    'Device.DNS.Diagnostics.NSLookupDiagnostics.Result.',
    'Device.DNS.SD.',
    'Device.Users.Group.',
    'Device.Users.SupportedShell.',
    'Device.Users.Role.',
    ...TR181_SOFTWARE_MODULES.exclude,
  ],
  instances: {
    'Device.Ethernet.Interface.{i}.': 4,
    'Device.Ethernet.Link.{i}.': 2,
    'Device.WiFi.Radio.{i}.': 2,
    'Device.WiFi.SSID.{i}.': 2,
    'Device.WiFi.AccessPoint.{i}.': 2,
    'Device.WiFi.AccessPoint.{i}.AC.{i}.': 4,
    'Device.IP.Interface.{i}.': 2,
    'Device.Hosts.Host.{i}.': 2,
    ...TR181_SOFTWARE_MODULES.instances,
    // Filled by the device when a traceroute completes (src/cpe/diagnostics.ts).
    'Device.IP.Diagnostics.TraceRoute.RouteHops.{i}.': 0,
  },
  values: {
    'Device.RootDataModelVersion': '2.19',
    // The diagnostics cpesim simulates (src/cpe/diagnostics.ts); HTTP is the transfer diagnostics' only transport.
    ...under('Device.IP.Diagnostics.', {
      IPv4PingSupported: 'true',
      IPv6PingSupported: 'true',
      IPv4TraceRouteSupported: 'true',
      IPv6TraceRouteSupported: 'true',
      IPv4DownloadDiagnosticsSupported: 'true',
      IPv6DownloadDiagnosticsSupported: 'true',
      IPv4UploadDiagnosticsSupported: 'true',
      IPv6UploadDiagnosticsSupported: 'true',
      'DownloadDiagnostics.DownloadTransports': 'HTTP',
      'UploadDiagnostics.UploadTransports': 'HTTP',
      // The list needs one item; the table starts empty, so this default is never read before a traceroute.
      'TraceRoute.RouteHops.{i}.RTTimes': '0',
    }),
    // Colours are 3-byte RGB hexBinary values in TR-181.
    ...under('Device.UserInterface.', { TextColor: '000000', BackgroundColor: 'FFFFFF', ButtonColor: '0060A0', ButtonTextColor: 'FFFFFF' }),
    ...under('Device.DeviceInfo.', {
      ...DEVICE_INFO,
      ModelName: 'HG3000',
      ModelNumber: 'HG3000-E',
      Description: 'cpesim simulated Ethernet home gateway',
      ProductClass: 'HG3000',
      HardwareVersion: 'HG3000-B2',
      SoftwareVersion: SOFTWARE_VERSION,
      HostName: 'gateway',
    }),
    ...under('Device.DeviceInfo.SupportedDataModel.{i}.', {
      URL: 'https://www.broadband-forum.org/cwmp/tr-181-2-19-1-cwmp.xml',
      UUID: 'b0c8a6b6-3f4e-5a1d-9a5e-181219010000',
      URN: 'urn:broadband-forum-org:tr-181-2-19-1-cwmp',
    }),
    ...under('Device.ManagementServer.', MANAGEMENT_SERVER),
    ...under('Device.Time.', {
      Enable: 'true',
      Status: 'Synchronized',
      CurrentLocalTime: '{{now}}',
      LocalTimeZone: 'CET-1CEST,M3.5.0,M10.5.0/3',
    }),
    ...under('Device.Ethernet.Interface.{i}.', {
      Enable: 'true',
      Status: 'Up',
      Name: 'eth{{i}}',
      MaxBitRate: '1000',
      MACAddress: MAC.ethernetPort,
      CurrentBitRate: '1000',
      DuplexMode: 'Auto',
      CurrentDuplexMode: 'Full',
    }),
    ...under('Device.Ethernet.Link.{i}.', {
      Enable: 'true',
      Status: 'Up',
      Name: 'link{{i}}',
      LowerLayers: 'Device.Ethernet.Interface.{{i}}',
      MACAddress: MAC.lan,
      MTU: '1500',
    }),
    ...under('Device.WiFi.Radio.{i}.', {
      Enable: 'true',
      Status: 'Up',
      Name: 'wifi{{i}}',
      MaxBitRate: '1200',
      SupportedFrequencyBands: '2.4GHz',
      OperatingFrequencyBand: '2.4GHz',
      SupportedStandards: 'b,g,n,ax',
      OperatingStandards: 'g,n,ax',
      PossibleChannels: CHANNELS_24GHZ,
      Channel: '6',
      AutoChannelSupported: 'true',
      AutoChannelEnable: 'true',
      ChannelLastSelectionReason: 'Auto_Startup',
      MaxSupportedSSIDs: '4',
      MaxSupportedAssociations: '32',
      SupportedOperatingChannelBandwidths: '20MHz,40MHz,80MHz',
      OperatingChannelBandwidth: 'Auto',
      CurrentOperatingChannelBandwidth: '20MHz',
      ExtensionChannel: 'Auto',
      GuardInterval: '800nsec',
      MCS: '-1',
      TransmitPowerSupported: '25,50,75,100',
      TransmitPower: '100',
      RegulatoryDomain: 'DE ',
      PreambleType: 'auto',
      // 802.11k measurement request/report frames (fixed-size hexBinary); all-zero until a measurement runs.
      CCARequest: '00'.repeat(11),
      CCAReport: '00'.repeat(12),
      RPIHistogramRequest: '00'.repeat(11),
      RPIHistogramReport: '00'.repeat(19),
    }),
    ...under('Device.WiFi.SSID.{i}.', {
      Enable: 'true',
      Status: 'Up',
      Name: 'ssid{{i}}',
      LowerLayers: 'Device.WiFi.Radio.{{i}}',
      BSSID: MAC.wlan,
      MACAddress: MAC.wlan,
      SSID: 'cpesim-{{serial}}-{{i}}',
    }),
    ...under('Device.WiFi.AccessPoint.{i}.', {
      Enable: 'true',
      Status: 'Enabled',
      SSIDReference: 'Device.WiFi.SSID.{{i}}',
      SSIDAdvertisementEnabled: 'true',
      WMMCapability: 'true',
      WMMEnable: 'true',
      MaxAllowedAssociations: '32',
    }),
    ...under('Device.WiFi.AccessPoint.{i}.Security.', {
      ModesSupported: 'None,WPA2-Personal,WPA3-Personal,WPA3-Personal-Transition',
      ModeEnabled: 'WPA2-Personal',
      KeyPassphrase: 'wpa-{{serial}}',
      SAEPassphrase: 'wpa-{{serial}}',
      PreSharedKey: '',
      WEPKey: '0000000000',
    }),
    'Device.WiFi.AccessPoint.{i}.WPS.PIN': '12345670',
    ...under('Device.PPP.Interface.{i}.', {
      Name: 'ppp0',
      LowerLayers: 'Device.Ethernet.Link.2',
      ConnectionStatus: 'Unconfigured',
      Username: 'user{{index:8}}@isp.example',
      ConnectionTrigger: 'AlwaysOn',
      MaxMRUSize: '1492',
      CurrentMRUSize: '1492',
    }),
    ...under('Device.IP.', {
      IPv4Capable: 'true',
      IPv4Enable: 'true',
      IPv4Status: 'Enabled',
      IPv6Capable: 'true',
      IPv6Enable: 'true',
      IPv6Status: 'Enabled',
    }),
    ...under('Device.IP.Interface.{i}.', {
      Enable: 'true',
      IPv4Enable: 'true',
      IPv6Enable: 'true',
      Status: 'Up',
      Name: 'ip{{i}}',
      LowerLayers: 'Device.Ethernet.Link.{{i}}',
      MaxMTUSize: '1500',
    }),
    ...under('Device.IP.Interface.{i}.IPv4Address.{i}.', {
      Enable: 'true',
      Status: 'Enabled',
      IPAddress: WAN_IPV4,
      SubnetMask: WAN_IPV4_MASK,
      AddressingType: 'DHCP',
    }),
    ...under('Device.IP.Interface.{i}.IPv6Address.{i}.', {
      Enable: 'true',
      Status: 'Enabled',
      IPAddressStatus: 'Preferred',
      IPAddress: '{{ipv6:2001:db8::/32}}',
      Origin: 'DHCPv6',
    }),
    ...under('Device.Routing.Router.{i}.', { Enable: 'true', Status: 'Enabled' }),
    ...under('Device.Routing.Router.{i}.IPv4Forwarding.{i}.', {
      Enable: 'true',
      Status: 'Enabled',
      StaticRoute: 'false',
      GatewayIPAddress: '100.64.0.1',
      Interface: 'Device.IP.Interface.2',
      Origin: 'DHCPv4',
    }),
    ...under('Device.DHCPv4.Client.{i}.', {
      Enable: 'true',
      Interface: 'Device.IP.Interface.2',
      Status: 'Enabled',
      DHCPStatus: 'Bound',
      IPAddress: WAN_IPV4,
      SubnetMask: WAN_IPV4_MASK,
      IPRouters: '100.64.0.1',
      DNSServers: '100.64.0.1',
      LeaseTimeRemaining: '3600',
      DHCPServer: '100.64.0.1',
    }),
    'Device.DHCPv4.Server.Enable': 'true',
    ...under('Device.DHCPv4.Server.Pool.{i}.', {
      Enable: 'true',
      Status: 'Enabled',
      Order: '1',
      Interface: 'Device.IP.Interface.1',
      MinAddress: '192.168.1.100',
      MaxAddress: '192.168.1.199',
      SubnetMask: LAN_IPV4_MASK,
      DNSServers: LAN_IPV4,
      DomainName: 'home',
      IPRouters: LAN_IPV4,
    }),
    'Device.NAT.InterfaceSetting.{i}.Enable': 'true',
    'Device.NAT.InterfaceSetting.{i}.Status': 'Enabled',
    'Device.NAT.InterfaceSetting.{i}.Interface': 'Device.IP.Interface.2',
    ...under('Device.Hosts.Host.{i}.', {
      PhysAddress: '02:00:00:00:00:0{{i}}',
      IPAddress: '192.168.1.10{{i}}',
      DHCPClient: 'Device.DHCPv4.Server.Pool.1.Client.{{i}}',
      AssociatedDevice: '',
      Layer1Interface: 'Device.Ethernet.Interface.1',
      Layer3Interface: 'Device.IP.Interface.1',
      HostName: 'host{{i}}',
      Active: 'true',
    }),
    ...under('Device.DNS.Client.', { Enable: 'true', Status: 'Enabled' }),
    ...under('Device.DNS.Client.Server.{i}.', {
      Enable: 'true',
      Status: 'Enabled',
      DNSServer: '100.64.0.1',
      Interface: 'Device.IP.Interface.2',
      Type: 'DHCPv4',
    }),
    ...under('Device.DNS.Relay.', { Enable: 'true', Status: 'Enabled' }),
    ...under('Device.DNS.Relay.Forwarding.{i}.', {
      Enable: 'true',
      Status: 'Enabled',
      DNSServer: '100.64.0.1',
      Interface: 'Device.IP.Interface.2',
      Type: 'DHCPv4',
    }),
    ...under('Device.Users.User.{i}.', { Enable: 'true', Username: 'admin' }),
    ...TR181_SOFTWARE_MODULES.values,
  },
  instanceValues: {
    // Ethernet.Link.2 (over Interface.2) carries the WAN (IP.Interface.2, PPP): its port faces the Internet.
    'Device.Ethernet.Interface.{i}.Upstream': { '2': 'true' },
    'Device.Ethernet.Link.{i}.MACAddress': { '2': MAC.wan },
    // Radio 2 is the 5 GHz radio.
    ...under('Device.WiFi.Radio.{i}.', {
      SupportedFrequencyBands: { '2': '5GHz' },
      OperatingFrequencyBand: { '2': '5GHz' },
      SupportedStandards: { '2': 'a,n,ac,ax' },
      OperatingStandards: { '2': 'n,ac,ax' },
      PossibleChannels: { '2': CHANNELS_5GHZ },
      Channel: { '2': '36' },
      CurrentOperatingChannelBandwidth: { '2': '80MHz' },
    }),
    // IP.Interface.1 is the LAN (static 192.168.1.1/24, a ULA), IP.Interface.2 the WAN (`values`: DHCP).
    ...under('Device.IP.Interface.{i}.IPv4Address.{i}.', {
      IPAddress: { '1.1': LAN_IPV4 },
      SubnetMask: { '1.1': LAN_IPV4_MASK },
      AddressingType: { '1.1': 'Static' },
    }),
    ...under('Device.IP.Interface.{i}.IPv6Address.{i}.', {
      IPAddress: { '1.1': 'fd00::1' },
      Origin: { '1.1': 'Static' },
    }),
    // Host 1 is wired to port 1, host 2 a wireless client (port 2 is the WAN port).
    'Device.Hosts.Host.{i}.Layer1Interface': { '2': 'Device.WiFi.SSID.1' },
  },
  forcedInform: [],
  generators: {
    ...under('Device.DeviceInfo.', { 'ProcessStatus.CPUUsage': CPU_USAGE, 'MemoryStatus.Free': MEMORY_FREE }),
    ...under('Device.IP.Interface.{i}.Stats.', { BytesSent: TRAFFIC_UP, BytesReceived: TRAFFIC_DOWN }),
    // An access point sends what its clients download.
    ...under('Device.WiFi.SSID.{i}.Stats.', { BytesSent: WLAN_DOWN, BytesReceived: WLAN_UP }),
    'Device.WiFi.Radio.{i}.Stats.Noise': { kind: 'gauge', min: -95, max: -82, interval: '30s', period: '10m' },
    'Device.Hosts.Host.{i}.Active': HOST_ACTIVE,
  },
};

export const GATEWAY_PROFILES: readonly ProfileSpec[] = [TR098_GATEWAY, TR181_GATEWAY];
