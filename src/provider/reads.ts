import {
  BadRequestError,
  MethodNotAllowedError,
  NotFoundError,
  ResponseValidationError,
  type RomulusClient,
} from "../client";
import { type ApiObject, apiName, type ReadMany, ReadManyRefusedError, type ResourceDefinition } from "./define";

/**
 * How a refresh reads: the engine sends up to `--parallel` Reads at once, and answering each with its own
 * request makes a nightly drift check of 5,000 contacts 5,000 requests. Here reads that arrive together
 * share requests, per client (one provider process serves one configured client):
 *
 * - `by: "ids"` (contacts): reads wait in a queue that goes out as one request for up to `max` ids.
 *   The queue goes out as soon as every read the engine can have in flight has arrived: the most reads
 *   seen in flight at once (`peak`) is the engine's `--parallel`, learned, and when that many are in
 *   flight again no other read can come until one is answered, so waiting longer only adds latency.
 *   Otherwise it goes out after a window: `FIRST_WINDOW_MS` while nothing is learned (the first reads,
 *   a lone static get), `WAVE_WINDOW_MS` once the engine is seen sending waves (the last reads of a
 *   refresh, slots busy elsewhere), long enough for a busy machine's engine to send its whole next wave.
 *   While a batch of the kind is in flight the queue waits for it (unless it is full): the engine sends
 *   reads in waves, and a wave split into two batches would otherwise stay split for the whole refresh.
 * - `by: "list"` (subscriptions): one walk of the list serves every read for `LISTING_TTL_MS`.
 *
 * Correct before fast:
 * - An id missing from a batch or listing is read with `get` before it is reported deleted: a search
 *   index may lag behind a create. For call-task webhook subscriptions, which have no get, that `get` is
 *   a walk of the list of its own, begun after the shared one: exactly what a read by id did before.
 * - A batch or listing that fails is followed by reads by id. One the API refuses (a 400, a field
 *   missing from its answer) turns batching off for that kind for the rest of the process.
 * - A write through this client (create, update, delete, adoption) drops every listing, and the objects
 *   this process wrote are always read with `get`: nothing cached ever answers for them.
 * - `ROMULUS_BATCH_READS=0` turns all of this off: every read is a `get`, as before.
 */

type Definition = ResourceDefinition<ApiObject>;

export const BATCH_READS_ENV = "ROMULUS_BATCH_READS";
/** How long a batch waits for more reads when nothing is known of the engine's waves (see above). */
export const FIRST_WINDOW_MS = 5;
/** How long a batch waits for the rest of a wave when fewer reads came than the engine had in flight. */
export const WAVE_WINDOW_MS = 250;
/** Reads that start after this long with none in flight belong to another operation: `peak` is learned again. */
export const IDLE_RESET_MS = 1_000;
/**
 * How long one walk of a list answers reads, counted from when it began: long enough for the reads of one
 * refresh of hundreds of subscriptions, short enough that no later step acts on what it saw.
 */
export const LISTING_TTL_MS = 5_000;

/** Read inside the provider methods, never when the program runs: nothing of it lands in the state. */
export function batchReadsEnabled(): boolean {
  const raw = process.env[BATCH_READS_ENV]?.trim().toLowerCase();
  if (raw === undefined || raw === "" || raw === "1" || raw === "true" || raw === "on") return true;
  if (raw === "0" || raw === "false" || raw === "off") return false;
  throw new Error(
    `${BATCH_READS_ENV} must be 1 (reads share requests, the default) or 0 (one request per read), ` +
      `got ${JSON.stringify(process.env[BATCH_READS_ENV])}`,
  );
}

type BatchAnswer = { live: ApiObject } | "absent" | "failed";

interface Queue {
  def: Definition;
  many: Extract<ReadMany<ApiObject>, { by: "ids" }>;
  waiting: Array<{ id: string; resolve(answer: BatchAnswer): void }>;
  inFlight: number;
  timer: NodeJS.Timeout | undefined;
}

interface Listing {
  startedAt: number;
  generation: number;
  objects: Promise<Map<string, ApiObject>>;
}

/** Whether the API refused the request itself, so sending it again would only fail again. */
function refusal(error: unknown): boolean {
  return (
    error instanceof ReadManyRefusedError ||
    error instanceof BadRequestError ||
    error instanceof NotFoundError ||
    error instanceof MethodNotAllowedError ||
    error instanceof ResponseValidationError
  );
}

/**
 * Whether a shared answer holds everything a read by id reports: every field and every server output. The
 * reference's search example leaves some contact scalars out; read as "unset", they would show as drift.
 */
function answersLikeGet(def: Definition, live: ApiObject): boolean {
  for (const [name, field] of Object.entries(def.fields))
    if (!field.fromApi && !(apiName(name, field) in live)) return false;
  return Object.values(def.serverOutputs(live)).every((value) => value !== undefined);
}

class Reads {
  /** Reads being answered now, of every kind. */
  private active = 0;
  /** The most reads seen in flight at once in this operation: the engine's `--parallel`. */
  private peak = 0;
  /** When the last read in flight was answered. */
  private idleSince = 0;
  /** Bumped by every write: a listing begun before it is not kept. */
  private generation = 0;
  private readonly queues = new Map<string, Queue>();
  private readonly listings = new Map<string, Listing>();
  /** `kind id` of every object this process created, updated, adopted or deleted. */
  private readonly written = new Set<string>();
  /** Kinds whose batch answers the API refused. */
  private readonly refused = new Set<string>();

  constructor(private readonly client: RomulusClient) {}

  async read(def: Definition, many: ReadMany<ApiObject>, id: string): Promise<ApiObject | undefined> {
    this.active++;
    try {
      const direct = this.written.has(`${def.kind} ${id}`) || this.refused.has(def.kind);
      // Started before `arrived`, so that this read is in its queue when the queue is judged.
      const answer = direct
        ? def.api.get(this.client, id)
        : many.by === "ids"
          ? this.fromBatch(def, many, id)
          : this.fromListing(def, many, id);
      this.arrived();
      return await answer;
    } finally {
      this.active--;
      if (this.active === 0) this.idleSince = Date.now();
    }
  }

  /** Before and after every write: listings are dropped and the object is read by id from now on. */
  wrote(def: Definition, id: string | undefined): void {
    this.generation++;
    this.listings.clear();
    if (id) this.written.add(`${def.kind} ${id}`);
  }

  private arrived(): void {
    if (this.active === 1 && Date.now() - this.idleSince > IDLE_RESET_MS) this.peak = 0;
    if (this.active > this.peak) {
      this.peak = this.active;
      return;
    }
    // Every read the engine can have in flight is here: none can arrive before one of them is answered.
    if (this.active === this.peak) {
      for (const queue of this.queues.values()) if (queue.inFlight === 0) this.flush(queue);
    }
  }

  private async fromBatch(def: Definition, many: Queue["many"], id: string): Promise<ApiObject | undefined> {
    let queue = this.queues.get(def.kind);
    if (!queue) {
      queue = { def, many, waiting: [], inFlight: 0, timer: undefined };
      this.queues.set(def.kind, queue);
    }
    const q = queue;
    const answer = await new Promise<BatchAnswer>((resolve) => {
      q.waiting.push({ id, resolve });
      if (q.waiting.length >= many.max) this.flush(q);
      else if (q.inFlight === 0) this.arm(q);
    });
    if (typeof answer === "object") return this.served(def, id, answer.live);
    // Absent (a search index may lag behind a create) or the batch failed: read it by id.
    return def.api.get(this.client, id);
  }

  private arm(queue: Queue): void {
    queue.timer ??= setTimeout(
      () => {
        queue.timer = undefined;
        this.flush(queue);
      },
      this.peak === 0 ? FIRST_WINDOW_MS : WAVE_WINDOW_MS,
    );
  }

  private flush(queue: Queue): void {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    while (queue.waiting.length > 0) this.send(queue, queue.waiting.splice(0, queue.many.max));
  }

  private send(queue: Queue, batch: Queue["waiting"]): void {
    queue.inFlight++;
    const ids = [...new Set(batch.map((w) => w.id))];
    queue.many
      .read(this.client, ids)
      .then(
        (objects) => {
          const byId = new Map(objects.map((o) => [String(o.id), o]));
          for (const w of batch) {
            const live = byId.get(w.id);
            w.resolve(live ? { live } : "absent");
          }
        },
        (error: unknown) => {
          if (refusal(error)) this.refused.add(queue.def.kind);
          for (const w of batch) w.resolve("failed");
        },
      )
      .finally(() => {
        queue.inFlight--;
        if (queue.waiting.length > 0 && queue.inFlight === 0) this.arm(queue);
      });
  }

  private async fromListing(
    def: Definition,
    many: Extract<ReadMany<ApiObject>, { by: "list" }>,
    id: string,
  ): Promise<ApiObject | undefined> {
    let objects: Map<string, ApiObject>;
    try {
      objects = await this.listing(def, many);
    } catch (error) {
      if (refusal(error)) this.refused.add(def.kind);
      return def.api.get(this.client, id);
    }
    const live = objects.get(id);
    return live ? this.served(def, id, live) : def.api.get(this.client, id);
  }

  /** A shared answer, when it is complete; otherwise the API's answers of this kind are not used again. */
  private served(def: Definition, id: string, live: ApiObject): ApiObject | Promise<ApiObject | undefined> {
    if (answersLikeGet(def, live)) return live;
    this.refused.add(def.kind);
    return def.api.get(this.client, id);
  }

  private listing(
    def: Definition,
    many: Extract<ReadMany<ApiObject>, { by: "list" }>,
  ): Promise<Map<string, ApiObject>> {
    const kept = this.listings.get(def.kind);
    if (kept && kept.generation === this.generation && Date.now() - kept.startedAt < LISTING_TTL_MS)
      return kept.objects;
    const listing: Listing = {
      startedAt: Date.now(),
      generation: this.generation,
      objects: many.read(this.client).then((all) => new Map(all.map((o) => [String(o.id), o]))),
    };
    this.listings.set(def.kind, listing);
    listing.objects.catch(() => {
      if (this.listings.get(def.kind) === listing) this.listings.delete(def.kind);
    });
    return listing.objects;
  }
}

const byClient = new WeakMap<RomulusClient, Reads>();

function readsOf(client: RomulusClient): Reads {
  let reads = byClient.get(client);
  if (!reads) {
    reads = new Reads(client);
    byClient.set(client, reads);
  }
  return reads;
}

/** The live object for a refresh, `undefined` when it does not exist: what `get` answers, in fewer requests. */
export function readLive(def: Definition, client: RomulusClient, id: string): Promise<ApiObject | undefined> {
  const many = def.api.readMany;
  if (!many || !batchReadsEnabled()) return def.api.get(client, id);
  return readsOf(client).read(def, many, id);
}

/** Runs a write, dropping what reads share before and after it and marking `id` to be read by id. */
export async function writing<T>(
  def: Definition,
  client: RomulusClient,
  id: string | undefined,
  write: () => Promise<T>,
  idOf?: (result: T) => string,
): Promise<T> {
  const reads = readsOf(client);
  reads.wrote(def, id);
  try {
    const result = await write();
    reads.wrote(def, id ?? idOf?.(result));
    return result;
  } catch (error) {
    reads.wrote(def, id);
    throw error;
  }
}
