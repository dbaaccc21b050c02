import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The files of one export, written so that a failure at any point (network, rate limits beyond retries,
 * a full disk, Ctrl-C) leaves no file under its final name that looks complete: every file is written to a
 * temporary name in the output folder (same file system, so the final rename is atomic), synced, and only
 * renamed once every file is complete. On failure the temporary files are removed.
 */

export type Overwrite =
  /** Refused when it exists, unless --force. */
  | "force"
  /** Project scaffolding: written only when absent, never replaced (it is the user's from then on). */
  | "when-absent";

export class ExistingFilesError extends Error {
  constructor(readonly files: string[]) {
    super(
      `${files.join(", ")} already exist${files.length === 1 ? "s" : ""}; nothing was written. ` +
        "Pass --force to overwrite, or choose another --out folder.",
    );
    this.name = "ExistingFilesError";
  }
}

export interface PendingFile {
  /** The final name, relative to the folder. */
  readonly name: string;
  /** Appends text; rejects with the write's own error (ENOSPC, EFBIG, EIO...). */
  write(text: string): Promise<void>;
}

class Pending implements PendingFile {
  private handle: fs.promises.FileHandle | undefined;
  constructor(
    readonly name: string,
    readonly tempPath: string,
  ) {}
  async open(): Promise<void> {
    // `wx`: a temporary name never collides with anything, not even a link planted there.
    this.handle = await fs.promises.open(this.tempPath, "wx", 0o644);
  }
  async write(text: string): Promise<void> {
    if (!this.handle) throw new Error(`${this.name} is not open`);
    await this.handle.write(text);
  }
  async finish(): Promise<void> {
    if (!this.handle) return;
    await this.handle.sync();
    await this.handle.close();
    this.handle = undefined;
  }
  async discard(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
    await fs.promises.rm(this.tempPath, { force: true });
  }
}

export class OutputSet {
  private readonly files: Pending[] = [];
  private readonly stamp = `${process.pid}-${randomBytes(4).toString("hex")}`;
  private done = false;

  private constructor(
    readonly dir: string,
    /** The folder did not exist: a failed export removes it again (when it is still empty). */
    private readonly createdDir: boolean,
  ) {}

  /**
   * Checks every target before anything is written: the folder is created when missing; a target that
   * exists is refused unless `force` (for "force" targets) and kept as it is (for "when-absent" ones).
   * Answers the set and the names that will be written.
   */
  static async plan(
    dir: string,
    targets: Array<{ name: string; overwrite: Overwrite }>,
    force: boolean,
  ): Promise<{ set: OutputSet; writes: string[]; kept: string[] }> {
    const stat = await fs.promises.stat(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return undefined;
      throw e;
    });
    if (stat && !stat.isDirectory()) throw new Error(`--out ${dir} exists and is not a folder`);
    const writes: string[] = [];
    const kept: string[] = [];
    const refused: string[] = [];
    for (const t of targets) {
      const exists = stat ? fs.existsSync(path.join(dir, t.name)) : false;
      if (!exists) writes.push(t.name);
      else if (t.overwrite === "when-absent") kept.push(t.name);
      else if (force) writes.push(t.name);
      else refused.push(path.join(dir, t.name));
    }
    if (refused.length > 0) throw new ExistingFilesError(refused);
    await fs.promises.mkdir(dir, { recursive: true });
    return { set: new OutputSet(dir, !stat), writes, kept };
  }

  /** A new file under a temporary name (`.contacts.yaml.romulus-export-<pid>-<random>.tmp`). */
  async create(name: string): Promise<PendingFile> {
    const file = new Pending(name, path.join(this.dir, `.${name}.romulus-export-${this.stamp}.tmp`));
    this.files.push(file);
    await file.open();
    return file;
  }

  /** A scratch file that is never renamed (removed by commit and abort alike). */
  async scratch(name: string): Promise<{ path: string; file: PendingFile; remove(): Promise<void> }> {
    const file = new Pending(name, path.join(this.dir, `.${name}.romulus-export-${this.stamp}.tmp`));
    await file.open();
    this.scratchFiles.push(file);
    return { path: file.tempPath, file, remove: () => file.discard() };
  }
  private readonly scratchFiles: Pending[] = [];

  /** Syncs every file, then renames each to its final name. */
  async commit(): Promise<string[]> {
    for (const f of this.files) await f.finish();
    for (const f of this.files) await fs.promises.rename(f.tempPath, path.join(this.dir, f.name));
    for (const f of this.scratchFiles) await f.discard();
    this.done = true;
    return this.files.map((f) => f.name);
  }

  /** Removes every temporary file; safe to call more than once and after a failed commit. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    for (const f of [...this.files, ...this.scratchFiles]) await f.discard();
    if (this.createdDir) await fs.promises.rmdir(this.dir).catch(() => undefined);
  }
}
