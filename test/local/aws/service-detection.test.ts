import { describe, expect, it } from "vitest";
import { detectService, serviceFromAuthorization } from "../../../local/aws/service-detection.ts";

const signed = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`;

describe("serviceFromAuthorization", () => {
  it("reads the credential scope's service", () => {
    expect(serviceFromAuthorization(signed("iotdata"))).toBe("iotdata");
    // botocore (the AWS CLI) signs the IoT control plane as execute-api.
    expect(serviceFromAuthorization(signed("execute-api"))).toBe("iot");
    expect(serviceFromAuthorization(undefined)).toBeUndefined();
    expect(serviceFromAuthorization("Bearer x")).toBeUndefined();
  });
});

describe("detectService", () => {
  it("prefers the signature's service over the path", () => {
    expect(detectService({ authorization: signed("iot") }, ["things", "x", "shadow"])).toBe("iot");
  });

  it("falls back to X-Amz-Target for unsigned JSON requests", () => {
    expect(detectService({ "x-amz-target": "secretsmanager.GetSecretValue" }, [])).toBe("secretsmanager");
    expect(detectService({ "x-amz-target": "AWSStepFunctions.StartExecution" }, [])).toBe("states");
    expect(detectService({ "x-amz-target": "Logs_20140328.FilterLogEvents" }, [])).toBe("logs");
  });

  it("falls back to the path for unsigned REST requests", () => {
    expect(detectService({}, ["things", "x", "shadow"])).toBe("iotdata");
    expect(detectService({}, ["topics", "a/b"])).toBe("iotdata");
    expect(detectService({}, ["things", "x"])).toBe("iot");
  });
});
