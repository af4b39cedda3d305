/** A validated scenario: what to run, against which ACS, for how long. Plain data (it crosses thread boundaries). */
export interface AcsSettings {
  /** undefined → start the built-in reference ACS in-process on a free loopback port. */
  url: string | undefined;
  username: string | undefined;
  password: string | undefined;
  insecure: boolean;
  /** PEM text of an extra CA to trust (read from the file the scenario names). */
  ca: string | undefined;
  requestTimeoutMs: number;
}

export interface ReferenceAcsSettings {
  provision: boolean;
  maxConcurrentSessions: number | undefined;
}

export interface FleetGroup {
  /** Profile name (profiles/NAME.yaml) or a path resolved against the scenario file. */
  profile: string;
  count: number;
}

export interface ScheduleSettings {
  /** Overrides each CPE's PeriodicInformInterval at power-on; undefined keeps the profile's value. */
  periodicIntervalS: number | undefined;
  /** Each periodic wait is stretched or shrunk at random by up to this fraction (0..1). */
  jitter: number;
  /** CPEs power on spread evenly over this many milliseconds (0: all at once, a boot storm). */
  rampMs: number;
}

export interface Scenario {
  name: string;
  /** The file it came from, for messages; undefined when built from flags alone. */
  file: string | undefined;
  durationMs: number;
  acs: AcsSettings;
  referenceAcs: ReferenceAcsSettings;
  fleet: FleetGroup[];
  schedule: ScheduleSettings;
  seed: number;
}
