/**
 * Whether terminal output may use ANSI colours: never when NO_COLOR is set to anything non-empty
 * (https://no-color.org), always when FORCE_COLOR asks for it (and NO_COLOR does not forbid it), otherwise only
 * on a terminal, so logs and CI artifacts stay plain text.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  return stream.isTTY === true;
}

export interface Paint {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
}

/** Colour functions, or identity functions when colour is off. */
export function paint(enabled: boolean): Paint {
  const sgr = (code: number) => (text: string) => (enabled ? `\u001b[${code}m${text}\u001b[0m` : text);
  return { red: sgr(31), green: sgr(32), yellow: sgr(33), bold: sgr(1) };
}
