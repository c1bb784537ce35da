import { describe, expect, it } from "vitest";
import { isTtsId, TTS_ID_MAX_LENGTH, ttsIdSchema } from "../../functions/core/tts-id.ts";

// TTS's own rule for application, device and gateway ids: lorawan-stack api/ttn/lorawan/v3/identifiers.proto,
// `pattern: "^[a-z0-9](?:[-]?[a-z0-9]){2,}$"`, `max_len: 36`.
describe("TTS ids", () => {
  it.each(["abc", "a1b", "my-sensors", "a-b-c", "0004a30b001c0530", "a".repeat(36), `${"ab-".repeat(11)}abc`])(
    "accepts %s",
    (id) => {
      expect(isTtsId(id)).toBe(true);
      expect(ttsIdSchema("device ID").safeParse(id).success).toBe(true);
    },
  );

  it.each([
    ["two characters", "ab"],
    ["37 characters", "a".repeat(37)],
    ["37 characters with dashes", `${"a-".repeat(18)}a`],
    ["a leading dash", "-abc"],
    ["a trailing dash", "abc-"],
    ["a double dash", "ab--cd"],
    ["an upper-case letter", "Abc"],
    ["a space", "my app"],
    ["an underscore", "my_app"],
    ["empty", ""],
  ])("refuses %s", (_, id) => {
    expect(isTtsId(id)).toBe(false);
    expect(ttsIdSchema("device ID").safeParse(id).success).toBe(false);
  });

  it("says which limit a value broke, and never repeats it", () => {
    const long = ttsIdSchema("device ID").safeParse("x".repeat(5000));
    expect(long.error?.issues.map((issue) => issue.message)).toContain(
      `is not a TTS device ID: longer than ${TTS_ID_MAX_LENGTH} characters`,
    );
    expect(JSON.stringify(long.error?.issues)).not.toContain("x".repeat(41));
    expect(ttsIdSchema("application ID").safeParse("my app").error?.issues[0]?.message).toBe(
      "is not a TTS application ID: a-z, 0-9 and single inner dashes, at least 3 characters",
    );
  });
});
