/** MQTT topics of the Device Shadow service; the classic (unnamed) shadow has no `name/<shadow>` part. */
export function shadowTopic(thingName: string, shadowName: string | undefined, suffix: string): string {
  const shadow = shadowName === undefined ? "shadow" : `shadow/name/${shadowName}`;
  return `$aws/things/${thingName}/${shadow}/${suffix}`;
}
