/**
 * How a firmware download changes DeviceInfo.SoftwareVersion (the profile's `firmware.softwareVersion`):
 * - `from-filename`: the version in the image's file name ("hg2000-4.3.0.bin" → "4.3.0");
 * - a template with `{{file}}` (the file name), `{{stem}}` (without its extension) and `{{version}}` (as
 *   from-filename), e.g. "HG2000_{{version}}";
 * - a list of `{ match: <regex on the URL>, version: <replacement, $1.. allowed> }`, the first match wins.
 * The file name is the Download's TargetFileName when given, else the URL path's last segment. When nothing
 * gives a version (no rule matches, no version in the name) the SoftwareVersion stays as it was.
 */

export type FirmwareVersionRule =
  | { readonly kind: 'template'; readonly template: string }
  | { readonly kind: 'rules'; readonly rules: readonly { readonly match: RegExp; readonly version: string }[] };

/** The parameter a firmware image changes (and a factory reset keeps). */
export function softwareVersionPath(root: string): string {
  return `${root}.DeviceInfo.SoftwareVersion`;
}

export const FIRMWARE_TEMPLATE_VARIABLES = ['file', 'stem', 'version'] as const;
const VARIABLE_RE = /\{\{(\w+)\}\}/g;

/** The problem with a template (an unknown variable), or undefined. */
export function firmwareTemplateProblem(template: string): string | undefined {
  for (const m of template.matchAll(VARIABLE_RE)) {
    if (!(FIRMWARE_TEMPLATE_VARIABLES as readonly string[]).includes(m[1]!)) {
      return `unknown variable {{${m[1]}}} (known: ${FIRMWARE_TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(', ')})`;
    }
  }
  return undefined;
}

/** The URL path's last segment, decoded ("" when there is none or the URL is malformed). */
export function fileNameOf(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return '';
  }
  const last = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** The first dotted number in a file name ("fw_v4.3.0-rc1.img" → "4.3.0"); undefined when there is none. */
export function versionInFileName(name: string): string | undefined {
  return /\d+(?:\.\d+)+/.exec(name)?.[0];
}

/** The SoftwareVersion after installing the image at `url` (named `targetFileName` when not ""); undefined: unchanged. */
export function firmwareVersion(rule: FirmwareVersionRule, url: string, targetFileName: string): string | undefined {
  if (rule.kind === 'rules') {
    for (const r of rule.rules) {
      const m = r.match.exec(url);
      if (m) return m[0].replace(r.match, r.version);
    }
    return undefined;
  }
  const file = targetFileName !== '' ? targetFileName.slice(targetFileName.lastIndexOf('/') + 1) : fileNameOf(url);
  const version = versionInFileName(file);
  if (rule.template.includes('{{version}}') && version === undefined) return undefined;
  const vars: Record<string, string> = { file, stem: file.replace(/\.[^.]*$/, ''), version: version ?? '' };
  const out = rule.template.replace(VARIABLE_RE, (_, name: string) => vars[name] ?? '');
  return out === '' ? undefined : out;
}
