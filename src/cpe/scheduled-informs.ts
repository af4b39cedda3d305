/**
 * ScheduleInform (TR-069 A.3.2.x) on the CPE's side: the accepted requests not yet due, when their session is
 * due, the events it carries, and how a state file keeps them. Plain functions over the CPE's list, which most
 * CPEs never have (no object per CPE); the session loop only asks them.
 */
import type { CpeSnapshot } from './cpe-snapshot.js';
import type { EventQueue } from './event-queue.js';

/** TR-069 §3.7.1.5 / A.3.2.x ScheduleInform: the session it asked for carries both. */
const SCHEDULED_EVENT = '3 SCHEDULED';
const SCHEDULE_INFORM_EVENT = 'M ScheduleInform';

/** One accepted ScheduleInform: due at `at` (performance.now() ms). */
export interface ScheduledInform {
  at: number;
  commandKey: string;
}

/** The ScheduleInforms whose time has come go into this session's Inform; returns those still waiting (undefined: none). */
export function raiseDueScheduledInforms(list: ScheduledInform[], events: EventQueue): ScheduledInform[] | undefined {
  const now = performance.now();
  const later = list.filter((s) => s.at > now);
  if (later.length === list.length) return list;
  events.add(SCHEDULED_EVENT);
  for (const s of list) if (s.at <= now) events.add(SCHEDULE_INFORM_EVENT, s.commandKey);
  return later.length > 0 ? later : undefined;
}

/**
 * Ms until the earliest pending ScheduleInform or `otherMs` (a diagnostic result) is due (0 when overdue);
 * undefined when neither is pending.
 */
export function nextScheduledInformMs(list: readonly ScheduledInform[] | undefined, otherMs: number | undefined): number | undefined {
  if (list === undefined) return otherMs;
  let at = Infinity;
  for (const s of list) at = Math.min(at, s.at);
  return Math.min(Math.max(0, at - performance.now()), otherMs ?? Infinity);
}

/** The state file's form: wall-clock instants, as performance.now() does not survive the process. */
export function scheduledInformsSnapshot(list: readonly ScheduledInform[]): NonNullable<CpeSnapshot['scheduledInforms']> {
  const now = performance.now();
  const epoch = Date.now();
  return list.map((x) => ({ commandKey: x.commandKey, atEpochMs: epoch + x.at - now }));
}

/** `saved` (a state file's) appended to `list`; returns the list (undefined when both are empty). */
export function restoreScheduledInforms(list: ScheduledInform[] | undefined, saved: CpeSnapshot['scheduledInforms']): ScheduledInform[] | undefined {
  const now = performance.now();
  const epoch = Date.now();
  for (const x of saved ?? []) (list ??= []).push({ at: now + x.atEpochMs - epoch, commandKey: x.commandKey });
  return list;
}
