/** 32-bit FNV-1a of a string: a compact fingerprint (replay memory, settings change detection), not a security measure. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
