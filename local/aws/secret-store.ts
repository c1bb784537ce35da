/**
 * Secrets Manager secrets with their versions and staging labels, kept on disk (values in clear:
 * this is a local stand-in). A new value becomes AWSCURRENT, the one before AWSPREVIOUS, and older
 * versions (left without a label) are dropped.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import { AwsError } from "./errors.ts";
import { CoalescedJsonWriter, readJsonFileSync } from "./json-file.ts";
import { LOCAL_ACCOUNT_ID } from "./local-account.ts";

const CURRENT = "AWSCURRENT";
const PREVIOUS = "AWSPREVIOUS";
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/**
 * Secrets Manager API reference, PutSecretValue / CreateSecret: SecretString and SecretBinary at most
 * 65,536 (characters; bytes once decoded). Versions: "Secrets Manager removes outdated versions when
 * there are more than 100, but it does not remove versions created less than 24 hours ago".
 */
export const SECRET_LIMITS = { maxValueLength: 65_536, keptVersions: 100, versionGraceSeconds: 24 * 60 * 60 } as const;
const SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export interface SecretValue {
  readonly secretString?: string;
  /** Base64, as the JSON protocol carries blobs. */
  readonly secretBinary?: string;
}

export interface SecretVersion extends SecretValue {
  readonly versionId: string;
  readonly stages: string[];
  /** Epoch seconds. */
  readonly createdDate: number;
}

export interface SecretRecord {
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly createdDate: number;
  versions: SecretVersion[];
}

/** `secrets.json`. */
const StoredSecrets = z.array(
  z.object({
    name: z.string().min(1),
    arn: z.string(),
    description: z.string().exactOptional(),
    createdDate: z.number(),
    versions: z.array(
      z.object({
        versionId: z.string(),
        secretString: z.string().exactOptional(),
        secretBinary: z.string().exactOptional(),
        stages: z.array(z.string()),
        createdDate: z.number(),
      }),
    ),
  }),
) satisfies z.ZodType<SecretRecord[]>;

export class SecretStore {
  readonly #region: string;
  readonly #secrets: Map<string, SecretRecord>;
  readonly #writer: CoalescedJsonWriter;

  constructor(options: { dataDir: string; region: string }) {
    const file = join(options.dataDir, "secrets.json");
    const stored = readJsonFileSync(file, StoredSecrets);
    this.#region = options.region;
    this.#secrets = new Map(stored?.map((secret) => [secret.name, secret]));
    this.#writer = new CoalescedJsonWriter({ file, snapshot: () => [...this.#secrets.values()] });
  }

  create(request: { name: string; description?: string; value?: SecretValue; versionId?: string }): {
    secret: SecretRecord;
    version?: SecretVersion;
  } {
    if (!SECRET_NAME.test(request.name)) {
      throw new AwsError(
        "InvalidParameterException",
        `Invalid name '${request.name}': 1 to 512 characters of A-Z a-z 0-9 / _ + = . @ -`,
      );
    }
    // Checked before anything is created: a refused value creates no secret either.
    if (request.value !== undefined) assertOneValue(request.value);
    if (this.#secrets.has(request.name)) {
      throw new AwsError(
        "ResourceExistsException",
        `The operation failed because the secret ${request.name} already exists.`,
      );
    }
    const now = nowSeconds();
    const secret: SecretRecord = {
      name: request.name,
      arn: `arn:aws:secretsmanager:${this.#region}:${LOCAL_ACCOUNT_ID}:secret:${request.name}-${randomSuffix()}`,
      ...(request.description === undefined ? {} : { description: request.description }),
      createdDate: now,
      versions: [],
    };
    this.#secrets.set(secret.name, secret);
    if (request.value === undefined) {
      this.#writer.schedule();
      return { secret };
    }
    return { secret, version: this.putValue(secret.name, request.value, request.versionId) };
  }

  /** Idempotent for a repeated `versionId` (the SDK's ClientRequestToken) with the same value. */
  putValue(secretId: string, value: SecretValue, versionId: string = randomUUID()): SecretVersion {
    assertOneValue(value);
    const secret = this.find(secretId);
    const existing = secret.versions.find((version) => version.versionId === versionId);
    if (existing !== undefined) {
      if (existing.secretString === value.secretString && existing.secretBinary === value.secretBinary) return existing;
      throw new AwsError(
        "ResourceExistsException",
        `A version with ID ${versionId} already exists with a different value.`,
      );
    }
    const version: SecretVersion = { versionId, ...value, stages: [CURRENT], createdDate: nowSeconds() };
    secret.versions = withoutOutdated([version, ...secret.versions.map(demoted)]);
    this.#writer.schedule();
    return version;
  }

  /** By name, full ARN, or ARN without its random suffix, as AWS accepts. */
  find(secretId: string): SecretRecord {
    const secret =
      this.#secrets.get(secretId) ??
      [...this.#secrets.values()].find((candidate) => candidate.arn === secretId || partialArn(candidate) === secretId);
    if (secret === undefined)
      throw new AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    return secret;
  }

  version(
    secretId: string,
    selector: { versionId?: string; versionStage?: string },
  ): { secret: SecretRecord; version: SecretVersion } {
    const secret = this.find(secretId);
    const stage = selector.versionStage ?? (selector.versionId === undefined ? CURRENT : undefined);
    const version = secret.versions.find(
      (candidate) =>
        (selector.versionId === undefined || candidate.versionId === selector.versionId) &&
        (stage === undefined || candidate.stages.includes(stage)),
    );
    if (version === undefined) {
      const which = selector.versionId === undefined ? `staging label: ${stage}` : `version: ${selector.versionId}`;
      throw new AwsError(
        "ResourceNotFoundException",
        `Secrets Manager can't find the specified secret value for ${which}`,
      );
    }
    return { secret, version };
  }

  flush(): Promise<void> {
    return this.#writer.flush();
  }
}

/** AWSCURRENT moves to the new version and AWSPREVIOUS to the one it left; older ones keep no label but stay readable by id. */
function demoted(version: SecretVersion): SecretVersion {
  return { ...version, stages: version.stages.includes(CURRENT) ? [PREVIOUS] : [] };
}

/** Newest first: beyond the kept count, unlabelled versions older than the grace period go. */
function withoutOutdated(versions: SecretVersion[]): SecretVersion[] {
  const cutoff = nowSeconds() - SECRET_LIMITS.versionGraceSeconds;
  return versions.filter(
    (version, index) => index < SECRET_LIMITS.keptVersions || version.stages.length > 0 || version.createdDate > cutoff,
  );
}

function assertOneValue(value: SecretValue): void {
  if ((value.secretString === undefined) === (value.secretBinary === undefined)) {
    throw new AwsError(
      "InvalidParameterException",
      "You must provide either SecretString or SecretBinary, but not both.",
    );
  }
  const [member, length] =
    value.secretString === undefined
      ? ["secretBinary", Buffer.from(value.secretBinary ?? "", "base64").length]
      : ["secretString", value.secretString.length];
  if (length > SECRET_LIMITS.maxValueLength) {
    // AWS's answer to a broken length constraint of the request (the API reference's Length Constraints).
    throw new AwsError(
      "ValidationException",
      `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${SECRET_LIMITS.maxValueLength}`,
    );
  }
}

function partialArn(secret: SecretRecord): string {
  return secret.arn.slice(0, secret.arn.lastIndexOf("-"));
}

function randomSuffix(): string {
  return [...randomBytes(6)].map((byte) => SUFFIX_ALPHABET[byte % SUFFIX_ALPHABET.length]).join("");
}

function nowSeconds(): number {
  return Date.now() / 1000;
}
