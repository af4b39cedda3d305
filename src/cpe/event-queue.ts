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
 * Events without a CommandKey are shared, frozen structs (one per code for the process): a fleet of idle CPEs
 * all pending "0 BOOTSTRAP" + "1 BOOT" then holds two pointers each, not two objects each.
 */
const SHARED_EVENTS = new Map<string, EventStruct>();
function eventStruct(code: string, commandKey: string): EventStruct {
  if (commandKey !== '') return { code, commandKey };
  let e = SHARED_EVENTS.get(code);
  if (e === undefined) {
    e = Object.freeze({ code, commandKey: '' });
    SHARED_EVENTS.set(code, e);
  }
  return e;
}

/** The empty list (frozen: shared by every queue). */
const NO_EVENTS = Object.freeze([]) as unknown as EventStruct[];

/**
 * Events waiting to be delivered in an Inform (TR-069 §3.7.1.5). An event stays pending until an
 * InformResponse confirms the Inform that carried it; a failed session puts it back. Events raised
 * while an Inform is in flight wait for the next Inform, so a confirm never swallows them.
 */
export class EventQueue {
  /**
   * Never mutated in place: replaced by an exact-size copy on add (concat; a pushed-to or spread array reserves
   * ~17 slots per CPE); NO_EVENTS when empty. The lists hold a handful of events, so the copies cost nothing.
   */
  private pending: EventStruct[] = NO_EVENTS;
  private inFlight: EventStruct[] | undefined;

  /** Adds an event unless the same one is already waiting. */
  add(code: string, commandKey: string = ''): void {
    if (this.pending.some((e) => sameEvent(e, code, commandKey))) return;
    this.pending = this.pending.concat(eventStruct(code, commandKey));
  }

  /** Whether an event with this code waits for an Inform (not counting one in flight). */
  has(code: string): boolean {
    return this.pending.some((e) => e.code === code);
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
      this.pending = NO_EVENTS;
    }
    return this.inFlight;
  }

  /** Every undelivered event (in flight first), as plain structs: what a state file keeps. */
  snapshot(): EventStruct[] {
    return (this.inFlight ?? []).concat(this.pending).map((e) => ({ code: e.code, commandKey: e.commandKey }));
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
    const merged = taken.concat(this.pending.filter((e) => !taken.some((t) => sameEvent(t, e.code, e.commandKey))));
    this.pending = merged.length === 0 ? NO_EVENTS : merged;
  }
}
