/**
 * One runtime per data directory: two would each keep their own copy of things, shadows and
 * executions in memory and overwrite each other's files (last writer wins). The lock is
 * proper-lockfile's (a lock directory whose mtime the holder refreshes), so a runtime killed with
 * kill -9 leaves a lock that goes stale after `STALE_MS` instead of one that blocks forever.
 */
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import lockfile from "proper-lockfile";

const STALE_MS = 10_000;

export class DataDirLockedError extends Error {
  override readonly name = "DataDirLockedError";
}

/** Locks `dataDir` for this runtime; resolves with the release. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  try {
    const release = await lockfile.lock(dataDir, {
      lockfilePath: join(dataDir, "runtime.lock"),
      stale: STALE_MS,
      retries: 0,
      // A compromised lock (its directory removed, the clock jumped) means another process may write here: stop.
      onCompromised: (error) => {
        throw error;
      },
    });
    await removeStaleTempFiles(dataDir);
    return release;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
    throw new DataDirLockedError(
      `${dataDir} is in use by another running tts-aws-iot runtime; stop it, or start this one with another ` +
        `--data-dir. (If none runs, one was killed less than ${STALE_MS / 1000} s ago: its lock expires then.)`,
    );
  }
}

/** Temp files of writes a crash interrupted (`<file>.<pid>.tmp`, write-file-atomic's `<file>.<hash>`): never read back. */
async function removeStaleTempFiles(dataDir: string): Promise<void> {
  for (const name of await readdir(dataDir)) {
    if (/\.tmp$/.test(name) || /\.json(l)?\.\d+$/.test(name)) await rm(join(dataDir, name), { force: true });
  }
}
