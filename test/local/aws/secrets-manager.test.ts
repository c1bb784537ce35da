/**
 * @aws-sdk/client-secrets-manager is not installed, so these tests send what it sends: JSON 1.1
 * POSTs with `X-Amz-Target: secretsmanager.<Operation>` and a SigV4-shaped Authorization header.
 * Expected answers from the AWS Secrets Manager API Reference: CreateSecret, PutSecretValue and
 * GetSecretValue (their Errors: ResourceExistsException, ResourceNotFoundException,
 * InvalidParameterException; the AWSCURRENT/AWSPREVIOUS staging labels; the secret ARN
 * `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>`).
 */
import { describe, expect, it } from "vitest";
import { useEndpointFixture } from "./endpoint-fixture.ts";

const ctx = useEndpointFixture();

interface JsonAnswer {
  status: number;
  errorType: string | null;
  body: Record<string, unknown>;
}

async function secretsManager(operation: string, body: unknown, raw?: string): Promise<JsonAnswer> {
  const response = await fetch(ctx.f.endpoint.url, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `secretsmanager.${operation}`,
      authorization:
        "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: raw ?? JSON.stringify(body),
  });
  return {
    status: response.status,
    errorType: response.headers.get("x-amzn-errortype"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

const TOKEN_A = "a".repeat(32);
const TOKEN_B = "b".repeat(32);

describe("Secrets Manager", () => {
  it("creates a secret with an AWS-shaped ARN and reads it back by name and by ARN", async () => {
    const created = await secretsManager("CreateSecret", {
      Name: "tts/api-key",
      SecretString: "NNSXS.secret",
      ClientRequestToken: TOKEN_A,
    });
    expect(created.status).toBe(200);
    expect(created.body["ARN"]).toMatch(
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:tts\/api-key-[A-Za-z0-9]{6}$/,
    );
    expect(created.body).toMatchObject({ Name: "tts/api-key", VersionId: TOKEN_A });

    const byName = await secretsManager("GetSecretValue", { SecretId: "tts/api-key" });
    expect(byName.body).toMatchObject({
      ARN: created.body["ARN"],
      Name: "tts/api-key",
      SecretString: "NNSXS.secret",
      VersionId: TOKEN_A,
      VersionStages: ["AWSCURRENT"],
    });
    expect(Math.abs((byName.body["CreatedDate"] as number) - Date.now() / 1000)).toBeLessThan(5);
    const byArn = await secretsManager("GetSecretValue", { SecretId: created.body["ARN"] });
    expect(byArn.body["SecretString"]).toBe("NNSXS.secret");
  });

  it("refuses to create a secret twice", async () => {
    await secretsManager("CreateSecret", { Name: "s", SecretString: "1" });
    const again = await secretsManager("CreateSecret", { Name: "s", SecretString: "2" });
    expect(again.status).toBe(400);
    expect(again.body["__type"]).toBe("ResourceExistsException");
    expect(again.errorType).toBe("ResourceExistsException");
  });

  it("puts new values: AWSCURRENT moves, the old one becomes AWSPREVIOUS", async () => {
    await secretsManager("CreateSecret", { Name: "s", SecretString: "v1", ClientRequestToken: TOKEN_A });
    const put = await secretsManager("PutSecretValue", {
      SecretId: "s",
      SecretString: "v2",
      ClientRequestToken: TOKEN_B,
    });
    expect(put.body).toMatchObject({ Name: "s", VersionId: TOKEN_B, VersionStages: ["AWSCURRENT"] });
    expect((await secretsManager("GetSecretValue", { SecretId: "s" })).body["SecretString"]).toBe("v2");
    const previous = await secretsManager("GetSecretValue", { SecretId: "s", VersionStage: "AWSPREVIOUS" });
    expect(previous.body).toMatchObject({ SecretString: "v1", VersionId: TOKEN_A });

    const retried = await secretsManager("PutSecretValue", {
      SecretId: "s",
      SecretString: "v2",
      ClientRequestToken: TOKEN_B,
    });
    expect(retried.body["VersionId"]).toBe(TOKEN_B);
    const clash = await secretsManager("PutSecretValue", {
      SecretId: "s",
      SecretString: "other",
      ClientRequestToken: TOKEN_B,
    });
    expect(clash.body["__type"]).toBe("ResourceExistsException");
  });

  // Secrets Manager API reference, CreateSecret / PutSecretValue: SecretString "Maximum length of 65536";
  // PutSecretValue: outdated versions are removed beyond 100, never those created in the last 24 hours.
  it("refuses a value over 65,536 characters with ValidationException, creating nothing", async () => {
    const tooLong = await secretsManager("CreateSecret", { Name: "big", SecretString: "x".repeat(65_537) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body["__type"]).toBe("ValidationException");
    expect(String(tooLong.body["message"] ?? tooLong.body["Message"])).toContain(
      "Member must have length less than or equal to 65536",
    );
    expect((await secretsManager("GetSecretValue", { SecretId: "big" })).body["__type"]).toBe(
      "ResourceNotFoundException",
    );
    const fits = await secretsManager("CreateSecret", { Name: "big", SecretString: "x".repeat(65_536) });
    expect(fits.status).toBe(200);
    const put = await secretsManager("PutSecretValue", { SecretId: "big", SecretString: "y".repeat(65_537) });
    expect(put.body["__type"]).toBe("ValidationException");
    expect((await secretsManager("GetSecretValue", { SecretId: "big" })).body["SecretString"]).toHaveLength(65_536);
  });

  it("keeps older versions without a label, readable by id (recent ones are never removed)", async () => {
    await secretsManager("CreateSecret", { Name: "s", SecretString: "v1", ClientRequestToken: TOKEN_A });
    await secretsManager("PutSecretValue", { SecretId: "s", SecretString: "v2", ClientRequestToken: TOKEN_B });
    const third = await secretsManager("PutSecretValue", { SecretId: "s", SecretString: "v3" });
    expect(third.body["VersionStages"]).toEqual(["AWSCURRENT"]);
    const oldest = await secretsManager("GetSecretValue", { SecretId: "s", VersionId: TOKEN_A });
    expect(oldest.body).toMatchObject({ SecretString: "v1", VersionStages: [] });
    const previous = await secretsManager("GetSecretValue", { SecretId: "s", VersionStage: "AWSPREVIOUS" });
    expect(previous.body).toMatchObject({ SecretString: "v2", VersionId: TOKEN_B });
  });

  it("reports missing secrets and versions as ResourceNotFoundException", async () => {
    const missing = await secretsManager("GetSecretValue", { SecretId: "nope" });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      __type: "ResourceNotFoundException",
      message: "Secrets Manager can't find the specified secret.",
    });
    await secretsManager("CreateSecret", { Name: "empty" });
    expect((await secretsManager("GetSecretValue", { SecretId: "empty" })).body["__type"]).toBe(
      "ResourceNotFoundException",
    );
  });

  it("answers malformed and invalid requests with 400 and a clear message", async () => {
    const malformed = await secretsManager("GetSecretValue", undefined, "{not json");
    expect(malformed.status).toBe(400);
    expect(malformed.body["message"]).toContain("Malformed request body");
    const invalid = await secretsManager("GetSecretValue", { SecretId: 42 });
    expect(invalid.body["__type"]).toBe("InvalidParameterException");
    expect(invalid.body["message"]).toContain("SecretId");
    const both = await secretsManager("CreateSecret", { Name: "s", SecretString: "a", SecretBinary: "YQ==" });
    expect(both.body["__type"]).toBe("InvalidParameterException");
  });

  it("answers an unknown operation with UnknownOperationException", async () => {
    const unknown = await secretsManager("RotateSecret", { SecretId: "s" });
    expect(unknown.status).toBe(404);
    expect(unknown.body["__type"]).toBe("UnknownOperationException");
    expect(unknown.body["message"]).toContain("secretsmanager.RotateSecret");
  });
});
