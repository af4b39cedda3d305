import { readFileSync } from 'node:fs';

/**
 * The whole host's CPU time from Linux's /proc/stat, to tell a simulator that was slow from one that was not given the
 * CPU: on a virtual machine, `steal` is time the hypervisor ran other guests while this one had work to do. A schedule
 * kept late on a host with much steal says little about the simulator and nothing about the ACS.
 */
export interface HostCpuTimes {
  /** All CPU time, in clock ticks, of every CPU since boot. */
  total: number;
  idle: number;
  steal: number;
}

/** The host's CPU use between two samples (percent of all CPU time of all CPUs). */
export interface HostCpuShare {
  /** Not idle: this process, everything else on the host, and steal. */
  busyPercent: number;
  /** Taken by the hypervisor for other guests (0 on bare metal). */
  stealPercent: number;
}

/** Reads /proc/stat now; undefined where there is none (not Linux) or it cannot be read. */
export function sampleHostCpu(): HostCpuTimes | undefined {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'latin1'));
  } catch {
    return undefined;
  }
}

/**
 * The aggregate `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal (guest and guest_nice are
 * already inside user and nice, so they are not added again). Undefined when the text has no such line.
 */
export function parseProcStat(text: string): HostCpuTimes | undefined {
  const line = /^cpu\s+([\d ]+)$/m.exec(text)?.[1];
  if (line === undefined) return undefined;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).map(Number);
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait, steal };
}

/** The share between two samples; undefined when either is missing or no time passed. */
export function hostCpuBetween(before: HostCpuTimes | undefined, after: HostCpuTimes | undefined): HostCpuShare | undefined {
  if (!before || !after) return undefined;
  const total = after.total - before.total;
  if (!(total > 0)) return undefined;
  const percent = (ticks: number) => Math.round((ticks / total) * 1000) / 10;
  return { busyPercent: percent(total - (after.idle - before.idle)), stealPercent: percent(after.steal - before.steal) };
}
