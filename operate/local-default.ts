/**
 * Where `--local` points: the embedded default (`npm start`) with its default port, region and
 * credentials. The CLI never imports the local twin (it must run against AWS from an installed
 * package); test/operate pins these values to the twin's own.
 */
export const LOCAL_DEFAULT = {
  endpointUrl: "http://127.0.0.1:4566",
  region: "us-east-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
  stackName: "local",
  /** The broker standing in for IoT Core's data plane, for `verify`'s republish stage. */
  mqttUrl: "mqtt://127.0.0.1:1883",
  /** The simulator's TTS HTTP API and its one application (`npm start` puts the application's key in the secret). */
  tts: {
    url: "http://127.0.0.1:1885",
    applicationIds: ["tts-aws-iot-sim"],
    configurePubSub: false,
    provisioning: false,
  },
} as const;
