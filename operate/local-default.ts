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
} as const;
