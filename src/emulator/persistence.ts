import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { StateSnapshot } from "./model/store";
import { validateSnapshot } from "./seed";

/**
 * `--state FILE`: the whole state as one JSON document (the seed format, see seed.ts), rewritten after
 * changes. A write goes to a temporary file in the same directory, is fsynced, then renamed over the
 * state file, so the file is always either the previous or the next complete state, never a partial one.
 * Changes are coalesced (at most one write per `debounceMs`, never two at once) so a burst of requests
 * costs one write; `close()` (and `flush()`) write whatever is pending, so nothing acknowledged is lost on
 * a clean shutdown.
 */
export class StatePersister {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private writing: Promise<void> | undefined;
  private closed = false;
  private seq = 0;
  /** Last write error, if any (the next write retries). */
  lastError: Error | undefined;

  constructor(
    readonly path: string,
    private readonly serialize: () => string,
    private readonly debounceMs = 25,
  ) {}

  /** Something changed: write soon. */
  schedule(): void {
    this.dirty = true;
    if (this.closed || this.timer !== undefined || this.writing !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeLoop();
    }, this.debounceMs);
  }

  private tempPath(): string {
    this.seq += 1;
    return join(dirname(this.path), `${tempPrefix(this.path)}${process.pid}.${this.seq}.tmp`);
  }

  private async writeLoop(): Promise<void> {
    if (this.writing) return this.writing;
    const run = async () => {
      while (this.dirty) {
        this.dirty = false;
        const text = this.serialize();
        const tmp = this.tempPath();
        try {
          const handle = await open(tmp, "w", 0o600);
          try {
            await handle.writeFile(text, "utf8");
            await handle.sync();
          } finally {
            await handle.close();
          }
          await rename(tmp, this.path);
          this.lastError = undefined;
        } catch (err) {
          this.lastError = err as Error;
          await unlink(tmp).catch(() => {});
        }
      }
    };
    this.writing = run().finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }

  /** Writes pending changes now (waits for a write in progress first). */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.writing) await this.writing;
    if (this.dirty) await this.writeLoop();
    if (this.lastError) throw this.lastError;
  }

  /** Writes the current state synchronously (used when the process is about to exit). */
  writeNowSync(): void {
    const tmp = this.tempPath();
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, this.serialize());
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(tmp, this.path);
    } catch (err) {
      try {
        unlinkSync(tmp);
      } catch {}
      throw err;
    }
    this.dirty = false;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }
}

/** Temporary files of a state file are named `.<name>.<pid>.<n>.tmp`, beside it. */
function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

/** Whether a process with this pid exists, run by this user or another. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists, under another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the temporary files a killed writer left beside the state file (a crash between the write and
 * the rename). Files of a writer still running are left alone. Answers the names removed.
 */
export function removeStaleTempFiles(path: string): string[] {
  const dir = dirname(path);
  const prefix = tempPrefix(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const pid = Number(name.slice(prefix.length).split(".")[0]);
    if (!Number.isInteger(pid) || pid <= 0 || (pid !== process.pid && alive(pid))) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // Gone already, or not ours to remove: either way nothing to do.
    }
  }
  return removed;
}

/**
 * Reads a state file; undefined when it does not exist. A file that is not a state document (not JSON,
 * or an object that does not have its kind's shape) is an error naming the file and the field.
 */
export function readStateFile(path: string): StateSnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`state file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return validateSnapshot(parsed, `state file ${path}`);
}
