/**
 * The simulated TTS's rights, route table, field masks, device and pub/sub registries as pure parts.
 * Expected answers are lorawan-stack v3.32.1's: rights.proto and pkg/ttnpb/rights.go (implied rights),
 * pkg/auth/rights/require.go (403 errors), the `google.api.http` options of the protos (routes),
 * pkg/ttnpb/field_mask_validation.go (paths per RPC), each registry's handler (errors, required fields).
 */
import { describe, expect, it } from "vitest";
import { setAwsIotPubSubRequest } from "../../../functions/tts/pubsub.ts";
import { EndDeviceRegistries } from "../../../local/tts-simulator/end-device-registries.ts";
import {
  createInIdentityServer,
  type DeviceRequest,
  deleteFromRegistry,
  getFromRegistry,
  setInRegistry,
} from "../../../local/tts-simulator/end-device-requests.ts";
import { FaultInjector } from "../../../local/tts-simulator/fault-injector.ts";
import {
  applyFieldMask,
  fieldMaskFromQuery,
  forbiddenPaths,
  selectFields,
} from "../../../local/tts-simulator/field-mask.ts";
import { provisionedDevice } from "../../../local/tts-simulator/provisioned-devices.ts";
import { PubSubRegistry, toJsonPaths } from "../../../local/tts-simulator/pubsub-registry.ts";
import { RequestRecorder } from "../../../local/tts-simulator/request-recorder.ts";
import {
  DEPLOYMENT_RIGHTS,
  impliedRights,
  missingRights,
  parseRights,
  type TtsRight,
} from "../../../local/tts-simulator/rights.ts";
import { authorizeRequest } from "../../../local/tts-simulator/tts-api-auth.ts";
import { TtsApiError } from "../../../local/tts-simulator/tts-api-errors.ts";
import { matchRoute, ROUTES } from "../../../local/tts-simulator/tts-api-routes.ts";
import { examplePubSub } from "../../support/tts-provisioning.ts";

const APP = "app-1";
const KEY = "NNSXS.ABCDEF.SECRET";
const APP_KEY = "0123456789ABCDEF0123456789ABCDEF";
const NOW = new Date("2026-11-30T06:00:00.000Z");

/** The error a call throws, as TTS names it: `namespace:name`, status, attributes. */
function ttsError(call: () => unknown) {
  try {
    call();
  } catch (error) {
    if (error instanceof TtsApiError)
      return { id: `${error.namespace}:${error.errorName}`, status: error.status, attributes: error.attributes };
    throw error;
  }
  throw new Error("expected a TtsApiError");
}

describe("TTS rights", () => {
  it("imply what rights.go says: LINK gives info, traffic read and downlink write; ALL every application right", () => {
    expect(impliedRights(["RIGHT_APPLICATION_LINK"])).toEqual([
      "RIGHT_APPLICATION_INFO",
      "RIGHT_APPLICATION_TRAFFIC_READ",
      "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE",
      "RIGHT_APPLICATION_LINK",
    ]);
    expect(impliedRights(["RIGHT_APPLICATION_ALL"])).toContain("RIGHT_APPLICATION_DEVICES_WRITE_KEYS");
    expect(missingRights(["RIGHT_APPLICATION_LINK"], ["RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"])).toEqual([]);
    expect(
      missingRights(
        ["RIGHT_APPLICATION_INFO"],
        ["RIGHT_APPLICATION_SETTINGS_BASIC", "RIGHT_APPLICATION_TRAFFIC_READ", "RIGHT_APPLICATION_INFO"],
      ),
    ).toEqual(["RIGHT_APPLICATION_SETTINGS_BASIC", "RIGHT_APPLICATION_TRAFFIC_READ"]);
  });

  it("parse a comma or space separated list, refusing unknown names", () => {
    expect(parseRights("RIGHT_APPLICATION_INFO, RIGHT_APPLICATION_TRAFFIC_READ")).toEqual([
      "RIGHT_APPLICATION_INFO",
      "RIGHT_APPLICATION_TRAFFIC_READ",
    ]);
    expect(parseRights("")).toEqual([]);
    expect(() => parseRights("RIGHT_APPLICATION_INFO,RIGHT_GOD_MODE")).toThrow(/unknown.*RIGHT_GOD_MODE/);
  });
});

describe("route table", () => {
  it("matches every route's own method and path, with its parameters", () => {
    for (const route of ROUTES) {
      const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => `${name.replace("_", "-")}-x`);
      const match = matchRoute(route.method, path);
      expect(match.kind === "route" && match.route.definition.name, `${route.method} ${path}`).toBe(route.name);
    }
  });

  it("tells the methods a path takes when the method is wrong, and decodes parameters", () => {
    expect(matchRoute("POST", "/api/v3/js/applications/app-1/devices/dev-1")).toEqual({
      kind: "methodNotAllowed",
      allow: "PUT, GET, DELETE",
    });
    const match = matchRoute("GET", "/api/v3/as/pubsub/app-1/aws%2Diot");
    expect(match.kind === "route" && match.route.params).toEqual({ application_id: "app-1", pub_sub_id: "aws-iot" });
  });

  it("requires TTS's rights: pub/sub Set needs settings, traffic read and downlink write", () => {
    const rightsOf = (name: string) => ROUTES.find((route) => route.name === name)?.rights;
    expect(rightsOf("pubsub.set")).toEqual([
      "RIGHT_APPLICATION_SETTINGS_BASIC",
      "RIGHT_APPLICATION_TRAFFIC_READ",
      "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE",
    ]);
    expect(rightsOf("pubsub.get")).toEqual(["RIGHT_APPLICATION_TRAFFIC_READ"]);
    expect(rightsOf("is.create")).toEqual(["RIGHT_APPLICATION_DEVICES_WRITE"]);
    expect(rightsOf("js.get")).toEqual(["RIGHT_APPLICATION_DEVICES_READ"]);
    expect(rightsOf("rights")).toEqual([]);
  });
});

describe("authorization", () => {
  const authorize = (rights: readonly TtsRight[], method: string, path: string, faults = new FaultInjector()) =>
    authorizeRequest(
      { applicationId: APP, apiKeys: new Map([[APP, { key: KEY, rights }]]), faults },
      { method, pathname: path, authorization: `Bearer ${KEY}` },
    );

  it("answers no_application_rights for a key without rights, insufficient_application_rights naming what is missing", () => {
    expect(ttsError(() => authorize([], "GET", `/api/v3/as/pubsub/${APP}`))).toEqual({
      id: "pkg/auth/rights:no_application_rights",
      status: 403,
      attributes: { uid: APP },
    });
    expect(
      ttsError(() => authorize(["RIGHT_APPLICATION_TRAFFIC_READ"], "PUT", `/api/v3/as/pubsub/${APP}/ps1`)),
    ).toEqual({
      id: "pkg/auth/rights:insufficient_application_rights",
      status: 403,
      attributes: {
        uid: APP,
        missing: ["RIGHT_APPLICATION_SETTINGS_BASIC", "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"],
      },
    });
    expect(authorize(["RIGHT_APPLICATION_ALL"], "PUT", `/api/v3/as/pubsub/${APP}/ps1`).rights).toContain(
      "RIGHT_APPLICATION_SETTINGS_BASIC",
    );
  });

  it("takes withheld rights away until the faults are cleared", () => {
    const faults = new FaultInjector();
    faults.withholdRights(["RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"]);
    const path = `/api/v3/as/applications/${APP}/devices/d1/down/push`;
    expect(ttsError(() => authorize(DEPLOYMENT_RIGHTS, "POST", path, faults)).attributes["missing"]).toEqual([
      "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE",
    ]);
    expect(faults.pending()).toEqual([{ kind: "withholdRights", rights: ["RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"] }]);
    faults.reset();
    expect(authorize(DEPLOYMENT_RIGHTS, "POST", path, faults).rights).toContain("RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE");
  });

  it("gives a key given alone the deployment's rights", () => {
    const authorized = authorizeRequest(
      { applicationId: APP, apiKeys: new Map([[APP, KEY]]), faults: new FaultInjector() },
      { method: "GET", pathname: `/api/v3/applications/${APP}/rights`, authorization: `Bearer ${KEY}` },
    );
    expect(authorized.rights).toEqual(impliedRights(DEPLOYMENT_RIGHTS));
  });
});

describe("field masks", () => {
  it("write the masked fields, clearing those absent from the request, and select only masked fields", () => {
    const stored = { name: "old", root_keys: { app_key: { key: "A" }, nwk_key: { key: "B" } }, other: 1 };
    expect(applyFieldMask(stored, { name: "new", root_keys: {} }, ["name", "root_keys.nwk_key"])).toEqual({
      name: "new",
      root_keys: { app_key: { key: "A" } },
      other: 1,
    });
    expect(selectFields(stored, ["root_keys.app_key.key", "missing.field"])).toEqual({
      root_keys: { app_key: { key: "A" } },
    });
  });

  it("find forbidden paths, with `.*` entries taking anything below", () => {
    expect(forbiddenPaths(["a", "b.c", "mac_settings.rx1_delay"], new Set(["a", "mac_settings.*"]))).toEqual(["b.c"]);
  });

  it("read a GET's field_mask as grpc-gateway does: comma-separated or repeated", () => {
    expect(fieldMaskFromQuery(new URLSearchParams("field_mask=a,b&field_mask=c&field_mask.paths=d"))).toEqual([
      "a",
      "b",
      "c",
      "d",
    ]);
  });
});

const devicePaths = { applicationId: APP, deviceId: "dev-1" } as const;

function request(rights: readonly TtsRight[] = DEPLOYMENT_RIGHTS): DeviceRequest & { deviceId: string } {
  return {
    ...devicePaths,
    now: NOW,
    requireRights: (required) => {
      const missing = missingRights(rights, required);
      if (missing.length > 0)
        throw new TtsApiError({
          grpc: { code: 7, status: 403 },
          namespace: "t",
          name: "r",
          messageFormat: missing.join(),
        });
    },
  };
}

const ids = { device_id: "dev-1", dev_eui: "70b3d57ed0000001", join_eui: "0000000000000001" };

function provision(registries: EndDeviceRegistries): void {
  createInIdentityServer(registries, request(), { end_device: { ids, attributes: { room: "7" } } });
  setInRegistry(registries, "js", request(), {
    end_device: { ids, root_keys: { app_key: { key: APP_KEY.toLowerCase() } } },
    field_mask: { paths: ["root_keys.app_key.key"] },
  });
  setInRegistry(registries, "ns", request(), {
    end_device: {
      ids,
      frequency_plan_id: "EU_863_870_TTN",
      lorawan_version: "1.0.3",
      lorawan_phy_version: "1.0.3-a",
      supports_join: true,
    },
    field_mask: { paths: ["frequency_plan_id", "lorawan_version", "lorawan_phy_version", "supports_join"] },
  });
  setInRegistry(registries, "as", request(), { end_device: { ids }, field_mask: { paths: [] } });
}

describe("end device registries", () => {
  it("store each server's part: the IS its fields with upper-case EUIs, the JS the root key, the NS canonical versions", () => {
    const registries = new EndDeviceRegistries();
    provision(registries);
    expect(registries.identity.get(APP, "dev-1")).toEqual({
      ids: {
        application_ids: { application_id: APP },
        device_id: "dev-1",
        dev_eui: "70B3D57ED0000001",
        join_eui: "0000000000000001",
      },
      attributes: { room: "7" },
      created_at: NOW.toISOString(),
      updated_at: NOW.toISOString(),
    });
    expect(registries.join.get(APP, "dev-1")?.["root_keys"]).toEqual({ app_key: { key: APP_KEY } });
    expect(registries.network.get(APP, "dev-1")).toMatchObject({
      lorawan_version: "MAC_V1_0_3",
      lorawan_phy_version: "PHY_V1_0_3_REV_A",
      supports_join: true,
    });
    expect(provisionedDevice(registries, APP, "dev-1")).toEqual({
      applicationId: APP,
      deviceId: "dev-1",
      devEui: "70B3D57ED0000001",
      joinEui: "0000000000000001",
      attributes: { room: "7" },
    });
    deleteFromRegistry(registries, "ns", request());
    expect(provisionedDevice(registries, APP, "dev-1")).toBeUndefined();
  });

  it("refuses an existing ID with id_taken and EUIs of another device with end_device_euis_taken naming it", () => {
    const registries = new EndDeviceRegistries();
    provision(registries);
    expect(ttsError(() => createInIdentityServer(registries, request(), { end_device: { ids } })).id).toBe(
      "pkg/util/store:id_taken",
    );
    expect(
      ttsError(() =>
        createInIdentityServer(registries, request(), { end_device: { ids: { ...ids, device_id: "dev-2" } } }),
      ),
    ).toEqual({
      id: "pkg/identityserver:end_device_euis_taken",
      status: 409,
      attributes: {
        join_eui: "0000000000000001",
        dev_eui: "70B3D57ED0000001",
        device_id: "dev-1",
        application_id: APP,
      },
    });
  });

  it("answers each server's 400: forbidden mask path, missing NS settings, zero AppKey, bad device ID", () => {
    const registries = new EndDeviceRegistries();
    expect(
      ttsError(() =>
        setInRegistry(registries, "as", request(), { end_device: { ids }, field_mask: { paths: ["root_keys"] } }),
      ),
    ).toEqual({
      id: "pkg/rpcmiddleware/validator:field_mask_paths",
      status: 400,
      attributes: { forbidden_paths: ["root_keys"] },
    });
    expect(
      ttsError(() =>
        setInRegistry(registries, "ns", request(), {
          end_device: { ids, frequency_plan_id: "EU_863_870_TTN", lorawan_version: "1.0.3" },
          field_mask: { paths: ["frequency_plan_id", "lorawan_version"] },
        }),
      ),
    ).toMatchObject({ id: "pkg/networkserver:field_value", attributes: { field: "lorawan_phy_version" } });
    expect(
      ttsError(() =>
        setInRegistry(registries, "js", request(), {
          end_device: { ids, root_keys: { app_key: { key: "0".repeat(32) } } },
          field_mask: { paths: ["root_keys.app_key.key"] },
        }),
      ),
    ).toMatchObject({ id: "pkg/joinserver:field_value", attributes: { field: "root_keys.app_key.key" } });
    expect(
      ttsError(() =>
        createInIdentityServer(registries, request(), { end_device: { ids: { ...ids, device_id: "Dev_1" } } }),
      ),
    ).toMatchObject({ id: "pkg/errors:validation", status: 400, attributes: { field: "ids.device_id" } });
    expect(registries.join.size + registries.network.size + registries.application.size).toBe(0);
  });

  it("needs the key rights for root keys, and never puts a key in an error", () => {
    const registries = new EndDeviceRegistries();
    const without = request(["RIGHT_APPLICATION_DEVICES_WRITE", "RIGHT_APPLICATION_DEVICES_READ"]);
    const body = {
      end_device: { ids, root_keys: { app_key: { key: APP_KEY } } },
      field_mask: { paths: ["root_keys.app_key.key"] },
    };
    expect(ttsError(() => setInRegistry(registries, "js", without, body)).status).toBe(403);
    setInRegistry(registries, "js", request(), body);
    expect(JSON.stringify(getFromRegistry(registries, "js", request(), []))).not.toContain(APP_KEY);
    expect(ttsError(() => getFromRegistry(registries, "js", request(), ["root_keys.app_key.key"])).status).toBe(403);
    const bad = { ...body, end_device: { ids, root_keys: { app_key: { key: `${APP_KEY}00` } } } };
    expect(JSON.stringify(ttsError(() => setInRegistry(registries, "js", request(), bad)))).not.toContain(APP_KEY);
  });

  it("answers a get with ids, timestamps and the masked fields, and unknown devices with each server's 404", () => {
    const registries = new EndDeviceRegistries();
    provision(registries);
    expect(getFromRegistry(registries, "ns", request(), ["frequency_plan_id"])).toEqual({
      ids: registries.network.get(APP, "dev-1")?.["ids"],
      frequency_plan_id: "EU_863_870_TTN",
      created_at: NOW.toISOString(),
      updated_at: NOW.toISOString(),
    });
    const unknown = { ...request(), deviceId: "dev-9" };
    expect(ttsError(() => getFromRegistry(registries, "is", unknown, [])).id).toBe(
      "pkg/identityserver/store:end_device_not_found",
    );
    expect(ttsError(() => deleteFromRegistry(registries, "js", unknown)).id).toBe("pkg/joinserver:device_not_found");
    expect(ttsError(() => deleteFromRegistry(registries, "ns", unknown)).id).toBe("pkg/networkserver:device_not_found");
    expect(ttsError(() => getFromRegistry(registries, "as", unknown, [])).id).toBe("pkg/redis:not_found");
    expect(ttsError(() => deleteFromRegistry(registries, "as", unknown))).toEqual({
      id: "pkg/applicationserver:device_not_found",
      status: 404,
      attributes: { device_uid: `${APP}.dev-9` },
    });
  });

  it("holds at most maxDevices per registry: registry_full, nothing stored", () => {
    const registries = new EndDeviceRegistries(1);
    provision(registries);
    const second = { ...request(), deviceId: "dev-2" };
    expect(
      ttsError(() => createInIdentityServer(registries, second, { end_device: { ids: { device_id: "dev-2" } } })),
    ).toMatchObject({ id: "tts-simulator:registry_full", status: 429 });
    expect(registries.identity.size).toBe(1);
  });
});

describe("pub/sub registry", () => {
  const pubSub = examplePubSub(APP);

  it("takes exactly what configure-tts-pubsub sends, and answers it back as TTS's JSON names it", () => {
    const registry = new PubSubRegistry();
    const answer = registry.set(APP, pubSub.pubSubId, setAwsIotPubSubRequest(pubSub).body, NOW);
    const expected = {
      ids: { application_ids: { application_id: APP }, pub_sub_id: "aws-iot-prod" },
      format: "json",
      aws_iot: {
        region: "eu-west-1",
        endpoint_address: pubSub.endpointAddress,
        assume_role: { arn: pubSub.roleArn, external_id: "abc123" },
        default: { stack_name: "prod" },
      },
      created_at: NOW.toISOString(),
      updated_at: NOW.toISOString(),
    };
    expect(answer).toEqual(expected);
    expect(registry.answerGet(APP, "aws-iot-prod", ["provider.aws_iot.region"])).toEqual(expected);
    expect(registry.answerList(APP, [])).toEqual({ pubsubs: [expected] });
    registry.delete(APP, "aws-iot-prod");
    registry.delete(APP, "aws-iot-prod");
    expect(registry.answerList(APP, [])).toEqual({});
    expect(ttsError(() => registry.answerGet(APP, "aws-iot-prod", [])).id).toBe("pkg/redis:not_found");
  });

  it("maps mask paths through the provider and deployment oneofs", () => {
    expect(toJsonPaths("provider.aws_iot.deployment.default.stack_name")).toEqual(["aws_iot.default.stack_name"]);
    expect(toJsonPaths("provider.aws_iot.deployment")).toEqual(["aws_iot.default"]);
    expect(toJsonPaths("provider")).toEqual(["nats", "mqtt", "aws_iot"]);
    expect(toJsonPaths("base_topic")).toEqual(["base_topic"]);
  });

  it("refuses what the proto's rules refuse, naming the field", () => {
    const registry = new PubSubRegistry();
    expect(
      ttsError(() => registry.set(APP, "ps1", setAwsIotPubSubRequest({ ...pubSub, region: "mars-1" }).body, NOW)),
    ).toMatchObject({ id: "pkg/errors:validation", attributes: { field: "provider.aws_iot.region" } });
    expect(
      ttsError(() =>
        registry.set(APP, "ps1", setAwsIotPubSubRequest({ ...pubSub, roleArn: "arn:aws:s3:::b" }).body, NOW),
      ),
    ).toMatchObject({ attributes: { field: "provider.aws_iot.assume_role.arn" } });
    expect(
      ttsError(() => registry.set(APP, "ps1", { pubsub: {}, field_mask: { paths: ["nope"] } }, NOW)),
    ).toMatchObject({
      id: "pkg/rpcmiddleware/validator:field_mask_paths",
    });
    expect(registry.list(APP)).toEqual([]);
  });
});

describe("request recorder", () => {
  it("keeps bodies with every key value redacted", () => {
    const recorder = new RequestRecorder();
    const record = recorder.start({ method: "PUT", path: "/x", hasAuthorization: true, receivedAt: NOW });
    recorder.setBody(
      record,
      JSON.stringify({ end_device: { root_keys: { app_key: { key: APP_KEY }, nwk_key: { key: APP_KEY } } } }),
    );
    const [kept] = recorder.since(0);
    expect(kept?.body).toEqual({
      end_device: { root_keys: { app_key: { key: "(redacted)" }, nwk_key: { key: "(redacted)" } } },
    });
  });
});

describe("EndDeviceRegistry.find", () => {
  it("gives a copy of the first device that matches, or undefined", () => {
    const { identity } = new EndDeviceRegistries();
    identity.put("app", "dev-1", { ids: { device_id: "dev-1", dev_eui: "0000000000000001" } });
    identity.put("app", "dev-2", { ids: { device_id: "dev-2", dev_eui: "0000000000000002" } });
    const found = identity.find((device) => (device["ids"] as { dev_eui?: string }).dev_eui === "0000000000000002");
    expect(found).toEqual({ ids: { device_id: "dev-2", dev_eui: "0000000000000002" } });
    (found!["ids"] as { device_id: string }).device_id = "changed";
    expect(identity.get("app", "dev-2")).toEqual({ ids: { device_id: "dev-2", dev_eui: "0000000000000002" } });
    expect(identity.find(() => false)).toBeUndefined();
  });
});
