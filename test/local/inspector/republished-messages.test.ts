import { describe, expect, it } from "vitest";
import { MAX_PAYLOAD_CHARS, RepublishedMessages, thingOfTopic } from "../../../local/inspector/republished-messages.ts";

describe("RepublishedMessages", () => {
  it("reads the thing from lorawan/<thing>/…, not from the request topic lorawan/downlink", () => {
    expect(thingOfTopic("lorawan/0004A30B001C0530/uplink")).toBe("0004A30B001C0530");
    expect(thingOfTopic("lorawan/dev1/downlink/queued")).toBe("dev1");
    expect(thingOfTopic("lorawan/downlink")).toBeUndefined();
    expect(thingOfTopic("other/dev1/uplink")).toBeUndefined();
  });

  it("keeps the newest messages of each thing, newest first", () => {
    const messages = new RepublishedMessages({ perThing: 3 });
    for (let index = 0; index < 5; index++) messages.add("lorawan/a/uplink", Buffer.from(`{"n":${index}}`), index);
    messages.add("lorawan/b/join", Buffer.from("{}"));
    expect(messages.of("a").map((message) => message.payload)).toEqual(['{"n":4}', '{"n":3}', '{"n":2}']);
    expect(messages.of("b")).toHaveLength(1);
    expect(messages.add("lorawan/downlink", Buffer.from("{}"))).toBeUndefined();
  });

  it("forgets the least recently active things beyond its bound, and cuts long payloads", () => {
    const messages = new RepublishedMessages({ maxThings: 2 });
    messages.add("lorawan/a/uplink", Buffer.from("1"));
    messages.add("lorawan/b/uplink", Buffer.from("2"));
    messages.add("lorawan/c/uplink", Buffer.from("x".repeat(MAX_PAYLOAD_CHARS + 10)));
    expect(messages.of("a")).toEqual([]);
    const [long] = messages.of("c");
    expect(long).toMatchObject({ truncated: true, bytes: MAX_PAYLOAD_CHARS + 10 });
    expect(long!.payload).toHaveLength(MAX_PAYLOAD_CHARS);
  });
});
