/** Runs `create` on first use and keeps the result: per-container setup that must not run at import time. */
export function once<T>(create: () => T): () => T {
  let created: { value: T } | undefined;
  return () => {
    created ??= { value: create() };
    return created.value;
  };
}
