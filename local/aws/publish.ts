/** Where the endpoint delivers MQTT messages (Publish, shadow topics); the runtime wires it to its broker. */
export type PublishFn = (topic: string, payload: Buffer, options: PublishOptions) => Promise<void>;

export interface PublishOptions {
  readonly qos: 0 | 1;
  readonly retain: boolean;
}
