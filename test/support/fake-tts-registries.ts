/**
 * A stand-in for `fetch` towards TTS's four end device registries (the paths of
 * `functions/tts/end-devices.ts`), keeping devices in memory per registry: enough to check what the
 * provisioning workflow leaves behind. Failures are injected per registry and method.
 */
import type { TtsRegistry } from "../../functions/tts/end-devices.ts";

export interface RegistryCall {
  readonly method: string;
  readonly path: string;
  readonly registry: TtsRegistry;
  readonly body: unknown;
}

type Devices = Map<string, { ids: { dev_eui?: string; join_eui?: string }; attributes?: Record<string, string> }>;

const PATH = /^\/api\/v3(?:\/(js|ns|as))?\/applications\/([^/]+)\/devices(?:\/([^/?]+))?(?:\?.*)?$/;

export function fakeTtsRegistries() {
  const devices: Record<TtsRegistry, Devices> = { is: new Map(), js: new Map(), ns: new Map(), as: new Map() };
  const calls: RegistryCall[] = [];
  const failures: { registry: TtsRegistry; method: string; status: number; times: number }[] = [];
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const error = (status: number, code: number, message: string) => json(status, { code, message, details: [] });

  const fetchImpl = (async (url: string, init: RequestInit) => {
    const { pathname, search } = new URL(url);
    const match = PATH.exec(pathname + search);
    if (match === null) return error(404, 5, `error:pkg/fake:route (no route ${pathname})`);
    const registry = (match[1] ?? "is") as TtsRegistry;
    const deviceInPath = match[3];
    const method = init.method ?? "GET";
    const body = init.body === undefined ? undefined : JSON.parse(String(init.body));
    calls.push({ method, path: pathname + search, registry, body });
    const failure = failures.find((candidate) => candidate.registry === registry && candidate.method === method);
    if (failure !== undefined) {
      failure.times -= 1;
      if (failure.times <= 0) failures.splice(failures.indexOf(failure), 1);
      return error(
        failure.status,
        failure.status === 403 ? 7 : failure.status === 400 ? 3 : 14,
        "error:pkg/fake:injected",
      );
    }
    const store = devices[registry];
    const endDevice = (
      body as {
        end_device?: {
          ids: { device_id: string; dev_eui?: string; join_eui?: string };
          attributes?: Record<string, string>;
        };
      }
    )?.end_device;
    switch (method) {
      case "POST": {
        const id = endDevice!.ids.device_id;
        if (store.has(id)) return error(409, 6, "error:pkg/identityserver/store:id_taken (ID already taken)");
        const { attributes } = endDevice!;
        store.set(id, { ids: { ...endDevice!.ids }, ...(attributes === undefined ? {} : { attributes }) });
        return json(200, endDevice);
      }
      case "PUT":
        store.set(deviceInPath!, { ids: { ...endDevice!.ids } });
        return json(200, endDevice);
      case "GET": {
        const found = store.get(deviceInPath!);
        return found === undefined ? error(404, 5, "error:pkg/fake:not_found") : json(200, found);
      }
      case "DELETE":
        if (!store.delete(deviceInPath!)) return error(404, 5, "error:pkg/fake:not_found");
        return new Response(null, { status: 200 });
      default:
        return error(501, 12, "not implemented");
    }
  }) as unknown as typeof fetch;

  return {
    fetchImpl,
    calls,
    devices,
    /** The next `times` calls of `method` on `registry` answer `status`. */
    fail(registry: TtsRegistry, method: string, status: number, times = 1) {
      failures.push({ registry, method, status, times });
    },
    /** Where the device of this id is, registry by registry. */
    holding(deviceId: string): TtsRegistry[] {
      return (Object.keys(devices) as TtsRegistry[]).filter((registry) => devices[registry].has(deviceId));
    },
  };
}
