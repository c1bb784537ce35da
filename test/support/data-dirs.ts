/** Temporary data directories for a test file, removed after each test. */
import { afterEach } from "vitest";
import { temporaryDataDir } from "../../local/harness/embedded-runtime.ts";

/** Call at the top of a test file: returns a function that makes a fresh directory and gives its path. */
export function useDataDirs(): () => string {
  const dirs: { remove: () => void }[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) dir.remove();
  });
  return () => {
    const dir = temporaryDataDir();
    dirs.push(dir);
    return dir.path;
  };
}
