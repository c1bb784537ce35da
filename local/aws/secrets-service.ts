/** Secrets Manager (JSON 1.1, `X-Amz-Target: secretsmanager.<Operation>`): CreateSecret, GetSecretValue, PutSecretValue. */
import { z } from "zod";
import type { AwsService } from "./aws-request.ts";
import { type JsonOperation, resolveJsonTarget } from "./json-rpc.ts";
import { defined } from "./query-params.ts";
import { parseJsonBody } from "./request-body.ts";
import type { SecretRecord, SecretStore, SecretVersion } from "./secret-store.ts";

const BAD_REQUEST = "InvalidParameterException";

const value = {
  SecretString: z.string().optional(),
  SecretBinary: z.string().optional(),
  ClientRequestToken: z.string().min(32).max(64).optional(),
};
const createSecret = z.object({ Name: z.string(), Description: z.string().optional(), ...value });
const putSecretValue = z.object({ SecretId: z.string(), ...value });
const getSecretValue = z.object({
  SecretId: z.string(),
  VersionId: z.string().optional(),
  VersionStage: z.string().optional(),
});

export function createSecretsService(store: SecretStore): AwsService {
  const operations = new Map<string, JsonOperation>([
    [
      "CreateSecret",
      (body) => {
        const request = parseJsonBody(body, createSecret, BAD_REQUEST);
        const hasValue = request.SecretString !== undefined || request.SecretBinary !== undefined;
        const { secret, version } = store.create(
          defined({
            name: request.Name,
            description: request.Description,
            value: hasValue ? secretValue(request) : undefined,
            versionId: request.ClientRequestToken,
          }),
        );
        return {
          ARN: secret.arn,
          Name: secret.name,
          ...(version === undefined ? {} : { VersionId: version.versionId }),
        };
      },
    ],
    [
      "PutSecretValue",
      (body) => {
        const request = parseJsonBody(body, putSecretValue, BAD_REQUEST);
        const version = store.putValue(request.SecretId, secretValue(request), request.ClientRequestToken);
        const secret = store.find(request.SecretId);
        return { ARN: secret.arn, Name: secret.name, VersionId: version.versionId, VersionStages: version.stages };
      },
    ],
    [
      "GetSecretValue",
      (body) => {
        const request = parseJsonBody(body, getSecretValue, BAD_REQUEST);
        const { secret, version } = store.version(
          request.SecretId,
          defined({ versionId: request.VersionId, versionStage: request.VersionStage }),
        );
        return secretValueResponse(secret, version);
      },
    ],
  ]);

  return {
    name: "secretsmanager",
    contentType: "application/x-amz-json-1.1",
    badRequestCode: BAD_REQUEST,
    resolve: (request) => resolveJsonTarget("secretsmanager", operations, request),
  };
}

function secretValue(request: { SecretString?: string | undefined; SecretBinary?: string | undefined }) {
  return defined({ secretString: request.SecretString, secretBinary: request.SecretBinary });
}

function secretValueResponse(secret: SecretRecord, version: SecretVersion) {
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: version.versionId,
    ...defined({ SecretString: version.secretString, SecretBinary: version.secretBinary }),
    VersionStages: version.stages,
    CreatedDate: version.createdDate,
  };
}
