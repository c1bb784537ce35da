/**
 * The upstream contract with The Things Stack in one table: for every kind of `ApplicationUp` TTS
 * publishes, the JSON field that marks it, the topic TTS publishes it on (under
 * `thethings/lorawan/<stackName>/`) and the topic suffix we republish it on (under `lorawan/<thing>/`).
 * Rules, parsing and republishing all read this table; nothing else spells these strings.
 */
export const TTS_EVENTS = {
  uplink: { field: "uplink_message", ttsTopic: "uplink", republishSuffix: "uplink" },
  join: { field: "join_accept", ttsTopic: "join", republishSuffix: "join" },
  downlinkQueued: { field: "downlink_queued", ttsTopic: "downlink/queued", republishSuffix: "downlink/queued" },
  downlinkSent: { field: "downlink_sent", ttsTopic: "downlink/sent", republishSuffix: "downlink/sent" },
  downlinkFailed: { field: "downlink_failed", ttsTopic: "downlink/failed", republishSuffix: "downlink/failed" },
  downlinkAck: { field: "downlink_ack", ttsTopic: "downlink/ack", republishSuffix: "downlink/ack" },
  downlinkNack: { field: "downlink_nack", ttsTopic: "downlink/nack", republishSuffix: "downlink/nack" },
  downlinkInvalidated: {
    field: "downlink_queue_invalidated",
    ttsTopic: "downlink/invalidated",
    republishSuffix: "downlink/invalidated",
  },
  locationSolved: { field: "location_solved", ttsTopic: "location/solved", republishSuffix: "location" },
  serviceData: { field: "service_data", ttsTopic: "service/data", republishSuffix: "service/data" },
} as const;

export type TtsEventKind = keyof typeof TTS_EVENTS;

export const TTS_EVENT_KINDS = Object.keys(TTS_EVENTS) as TtsEventKind[];

/** TTS's topic prefix for one stack: `thethings/lorawan/<stackName>`. */
export function ttsTopicPrefix(stackName: string): string {
  return `thethings/lorawan/${stackName}`;
}

/** Where applications receive a thing's events: `lorawan/<thing>/<suffix>`. */
export function republishTopic(thingName: string, kind: TtsEventKind): string {
  return `lorawan/${thingName}/${TTS_EVENTS[kind].republishSuffix}`;
}
