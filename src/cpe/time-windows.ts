import { CwmpFault } from '../cwmp/faults.js';
import type { TimeWindow } from '../cwmp/messages.js';

/**
 * ScheduleDownload time windows (TR-069 A.4.1.8): when the CPE may perform the download, in seconds after it
 * received the request. The simulator honours the modes it can honestly simulate:
 * - "1 At Any Time", "2 Immediately", "3 When Idle": the download starts at the window's start (a simulated CPE is
 *   idle whenever no session runs, and transfers only start between sessions);
 * - "4 Confirmation Needed": there is no user to ask; the window is used only when the fleet is told the user
 *   confirms (`confirmDownloads`), else it passes without a download;
 * - vendor modes ("X <OUI> ..."): not supported, so the request is refused with 9003.
 */
export const WINDOW_MODES = ['1 At Any Time', '2 Immediately', '3 When Idle', '4 Confirmation Needed'] as const;
const CONFIRMATION_NEEDED = '4 Confirmation Needed';

/** cwmp-1-2.xsd TimeWindowList: one or two windows. */
const MAX_WINDOWS = 2;

/** A window the CPE will try the download in: ms after the request was received. */
export interface DownloadSlot {
  startMs: number;
  endMs: number;
  /** Attempts after the first one; Infinity: as many as fit (MaxRetries -1, "the CPE decides"). */
  retries: number;
}

/**
 * The synchronous checks of a TimeWindowList (fault 9003): one or two windows, each ending after it starts, not
 * overlapping, a mode the CPE supports, MaxRetries >= -1, UserMessage within 256 characters.
 */
export function validateTimeWindows(list: readonly TimeWindow[]): void {
  if (list.length === 0 || list.length > MAX_WINDOWS) throw new CwmpFault(9003, `TimeWindowList must hold 1 or 2 windows, got ${list.length}`);
  for (const [i, w] of list.entries()) {
    const which = `time window ${i + 1}`;
    if (!Number.isSafeInteger(w.windowStart) || !Number.isSafeInteger(w.windowEnd) || w.windowStart < 0) {
      throw new CwmpFault(9003, `${which}: WindowStart and WindowEnd must be unsigned integers`);
    }
    // A window of no time cannot hold a download.
    if (w.windowEnd <= w.windowStart) throw new CwmpFault(9003, `${which}: WindowEnd ${w.windowEnd} is not after WindowStart ${w.windowStart}`);
    if (!(WINDOW_MODES as readonly string[]).includes(w.windowMode)) throw new CwmpFault(9003, `${which}: WindowMode "${w.windowMode}" is not supported`);
    if (!Number.isSafeInteger(w.maxRetries) || w.maxRetries < -1) throw new CwmpFault(9003, `${which}: MaxRetries must be -1 or more, got ${w.maxRetries}`);
    if (w.userMessage.length > 256) throw new CwmpFault(9003, `${which}: UserMessage longer than 256 characters`);
  }
  const [a, b] = [...list].sort((x, y) => x.windowStart - y.windowStart);
  if (a !== undefined && b !== undefined && b.windowStart < a.windowEnd) {
    throw new CwmpFault(9003, `time windows overlap (${a.windowStart}-${a.windowEnd} and ${b.windowStart}-${b.windowEnd})`);
  }
}

/**
 * The windows the download may run in, earliest first: every window of a validated list except the
 * "4 Confirmation Needed" ones when no user confirms.
 */
export function downloadSlots(list: readonly TimeWindow[], userConfirms: boolean): DownloadSlot[] {
  return [...list]
    .sort((x, y) => x.windowStart - y.windowStart)
    .filter((w) => userConfirms || w.windowMode !== CONFIRMATION_NEEDED)
    .map((w) => ({ startMs: w.windowStart * 1000, endMs: w.windowEnd * 1000, retries: w.maxRetries < 0 ? Infinity : w.maxRetries }));
}

/** When the last window closes, ms after the request was received: where a download that never ran gives up (9020). */
export function lastWindowEndMs(list: readonly TimeWindow[]): number {
  return Math.max(...list.map((w) => w.windowEnd)) * 1000;
}
