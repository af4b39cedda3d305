import type { EventStruct } from '../cwmp/messages.js';

/** The Inform Event array holds at most 64 entries (cwmp-1-x.xsd EventList). */
export const MAX_INFORM_EVENTS = 64;

/**
 * "M <Method>" events (M Reboot, M Download, ...) may be pending several times, once per
 * CommandKey; every other event ("1 BOOT", "4 VALUE CHANGE", vendor "X ...") is single.
 */
function isMultiple(code: string): boolean {
  return code.startsWith('M ');
}

function sameEvent(a: EventStruct, code: string, commandKey: string): boolean {
  return a.code === code && (!isMultiple(code) || a.commandKey === commandKey);
}

/**
 * Events waiting to be delivered in an Inform (TR-069 §3.7.1.5). An event stays pending until an
 * InformResponse confirms the Inform that carried it; a failed session puts it back. Events raised
 * while an Inform is in flight wait for the next Inform, so a confirm never swallows them.
 */
export class EventQueue {
  private pending: EventStruct[] = [];
  private inFlight: EventStruct[] | undefined;

  /** Adds an event unless the same one is already waiting. */
  add(code: string, commandKey: string = ''): void {
    if (this.pending.some((e) => sameEvent(e, code, commandKey))) return;
    this.pending.push({ code, commandKey });
  }

  /** Takes the events for an Inform (at most 64; the rest wait for the next one). */
  take(): EventStruct[] {
    if (this.inFlight !== undefined) this.release();
    const all = this.pending;
    if (all.length > MAX_INFORM_EVENTS) {
      this.inFlight = all.slice(0, MAX_INFORM_EVENTS);
      this.pending = all.slice(MAX_INFORM_EVENTS);
    } else {
      this.inFlight = all;
      this.pending = [];
    }
    return this.inFlight;
  }

  /** The InformResponse arrived: the events taken are delivered. */
  confirm(): void {
    this.inFlight = undefined;
  }

  /** The Inform was not confirmed: its events are pending again, ahead of newer ones, without duplicates. */
  release(): void {
    const taken = this.inFlight;
    if (taken === undefined) return;
    this.inFlight = undefined;
    for (const e of this.pending) {
      if (!taken.some((t) => sameEvent(t, e.code, e.commandKey))) taken.push(e);
    }
    this.pending = taken;
  }
}
