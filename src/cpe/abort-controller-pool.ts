/**
 * AbortControllers of sessions that ended without being aborted, for the next session of any CPE on this thread:
 * creating one (its AbortSignal) costs more CPU than a plain session's XML work, and holding one per CPE would
 * cost memory. Every request's abort listener is removed when its response ends, so a returned signal carries
 * none; an aborted controller is never returned. Bounded by the sessions that ever ran at once.
 */
const idleAbortControllers: AbortController[] = [];
const MAX_IDLE_ABORT_CONTROLLERS = 4096;

export function takeAbortController(): AbortController {
  return idleAbortControllers.pop() ?? new AbortController();
}

export function returnAbortController(controller: AbortController): void {
  if (!controller.signal.aborted && idleAbortControllers.length < MAX_IDLE_ABORT_CONTROLLERS) idleAbortControllers.push(controller);
}
