/** Generic BBF path helpers (`Device.WiFi.SSID.{i}.` style, objects end in a dot). */

/** The object holding `objectName`: `Device.WiFi.SSID.{i}.` -> `Device.WiFi.`, `Device.WiFi.` -> `Device.`, root -> ''. */
export function parentObjectPath(objectName: string): string {
  return objectName.replace(/\.\{i\}\.$/, '.').replace(/[^.]+\.$/, '');
}

