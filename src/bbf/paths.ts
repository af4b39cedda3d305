/** Generic BBF path helpers (`Device.WiFi.SSID.{i}.` style, objects end in a dot). */

/** The object holding `objectName`: `Device.WiFi.SSID.{i}.` -> `Device.WiFi.`, `Device.WiFi.` -> `Device.`, root -> ''. */
export function parentObjectPath(objectName: string): string {
  return objectName.replace(/\.\{i\}\.$/, '.').replace(/[^.]+\.$/, '');
}


/** Generic paths of the tables enclosing a parameter or object, outermost first ("X.T.{i}.", "X.T.{i}.U.{i}."). */
export function tablePaths(name: string): string[] {
  const out: string[] = [];
  for (let at = name.indexOf('.{i}.'); at !== -1; at = name.indexOf('.{i}.', at + 1)) out.push(name.slice(0, at + 5));
  return out;
}
