import { Worker } from 'node:worker_threads';
import { columnBuffers, type LandingBatch } from '../../contract/batch.ts';
import { customers, landingTable, orderItems, orders, productPrices, products } from '../../contract/landing.ts';
import { builtinCatalog, validateCatalog } from '../catalog/builtin.ts';
import type { ProductCatalog } from '../catalog/types.ts';
import type { Scenario } from '../scenario/types.ts';
import { World } from '../world/world.ts';
import { TableDigest } from './digest.ts';
import { BlockScratch, emptyFaultCounts, generateCustomerBlock, generateCustomerRows, generateProductTables, type FaultCounts, type Sinks } from './generate.ts';
import { buildPlan, BLOCK_SIZE, estimateRows, type Plan } from './plan.ts';
import { TableSink } from './sink.ts';

export interface SimulateOptions {
  /** Maximum rows per batch (default 65,536; at most 1,048,576). */
  batchSize?: number;
  /** Generator threads (worker_threads); 0 (default) generates on the calling thread. */
  workers?: number;
  /** Product vocabulary; defaults to the built-in catalog (the enrichment seam). */
  catalog?: ProductCatalog;
}

export interface SimulationSummary {
  tables: Record<string, { rows: number; digest: string }>;
  faults: Record<string, number>;
}

export interface Simulation {
  /** Rows per landing table, estimated in milliseconds (orders and lines within about 1%), for progress bars. */
  readonly estimatedRows: Record<string, number>;
  /** Rows per landing table from a pre-pass over every customer (seconds at the large scale): exact, except orders and lines, an upper bound. */
  plannedRows(): Record<string, number>;
  /** The landing rows as batches; tables interleave. Iterate once. */
  batches(): AsyncIterable<LandingBatch>;
  /**
   * Hands back a batch the consumer no longer reads (after loading it), so that a later batch
   * reuses its arrays instead of allocating new ones. Optional: a consumer may keep its batches.
   */
  release(batch: LandingBatch): void;
  /** Rows, digests and fault counts; valid after batches() is fully consumed. */
  summary(): SimulationSummary;
  /**
   * Stops the simulation's generator threads, for a simulation that will not be read to the
   * end (a landing that failed before it began): a lone worker starts with the simulation and
   * would otherwise wait, idle, until the process exits. Reading it afterwards throws. Not
   * needed after the batches were read to the end, which stops the threads itself.
   */
  close(): Promise<void>;
}

export const DEFAULT_BATCH_SIZE = 65_536;
/** Starting room per string value of a customer row (names are shorter, emails grow the buffer once). */
const CUSTOMER_BYTES_PER_ROW = 16;
const MAX_BATCH_SIZE = 1 << 20;
const TABLES = [customers, products, productPrices, orders, orderItems];

export function makeSinks(batchSize: number, emit: (batch: LandingBatch) => void): Sinks {
  return {
    // Customers carry four string columns: packed as UTF-8, they cost no JS string per value to
    // build, digest or load (and no garbage to collect).
    customers: new TableSink(customers, batchSize, emit, CUSTOMER_BYTES_PER_ROW),
    products: new TableSink(products, batchSize, emit),
    product_prices: new TableSink(productPrices, batchSize, emit),
    orders: new TableSink(orders, batchSize, emit),
    order_items: new TableSink(orderItems, batchSize, emit),
  };
}

export function flushSinks(sinks: Sinks): void {
  for (const sink of Object.values(sinks) as TableSink[]) sink.flush();
}

/** Messages to a generator worker: an ack frees one batch of credit; a recycle returns a batch's arrays. */
export type WorkerCommand = { kind: 'ack' } | { kind: 'recycle'; table: string; columns: LandingBatch['columns'] };

/** Messages from a generator worker. */
export type WorkerMessage =
  | { kind: 'batch'; table: string; rowCount: number; columns: LandingBatch['columns'] }
  | { kind: 'done'; digests: Record<string, { lo: number; hi: number; rows: number }>; faults: FaultCounts }
  | { kind: 'error'; message: string };

export interface WorkerInput {
  scenario: Scenario;
  catalog: ProductCatalog;
  batchSize: number;
  /** With several workers: the plan's prefix counts. A lone worker walks every block in order without one. */
  plan?: Pick<Plan, 'blocks' | 'orderStart' | 'itemStart'>;
  /** This worker handles the orders of blocks b with b % workerCount === workerIndex. */
  workerIndex: number;
  workerCount: number;
}

/** Batches a worker may have in flight before it waits for the consumer (keeps memory flat). */
export const WORKER_CREDIT = 4;

class SimulationRun implements Simulation {
  private readonly world: World;
  private readonly batchSize: number;
  private readonly workers: number;
  private planCache?: Plan;
  private estimate?: Record<string, number>;
  private digests = new Map<string, TableDigest>();
  private faults: FaultCounts = emptyFaultCounts();
  private consumed = false;
  private started = false;
  private closed = false;
  /** The sinks of this thread (products, customers; every table in process), to take back released batches. */
  private localSinks?: Sinks;
  /** Which worker produced a batch still out with the consumer. */
  private readonly producers = new WeakMap<LandingBatch, Worker>();
  /** The generator threads, once started (a lone worker starts with the simulation). */
  private pool?: WorkerPool;

  constructor(
    private readonly scenario: Scenario,
    options: SimulateOptions,
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > MAX_BATCH_SIZE) {
      throw new RangeError(`batchSize must be an integer from 1 to ${MAX_BATCH_SIZE}, got ${options.batchSize}`);
    }
    this.workers = options.workers ?? 0;
    if (!Number.isInteger(this.workers) || this.workers < 0 || this.workers > 64) throw new RangeError(`workers must be an integer from 0 to 64, got ${options.workers}`);
    const catalog = options.catalog ?? builtinCatalog(scenario);
    validateCatalog(catalog, scenario);
    // A lone worker needs no plan, so it starts now: its start (a module loader, its own World)
    // then overlaps with building this thread's World and whatever the consumer prepares, and
    // the worker's share is the longest part of a large run.
    if (this.workers > 0 && this.workerCount() === 1) this.pool = this.startWorkers([this.workerInput(catalog, 0, 1)]);
    try {
      this.world = new World(scenario, catalog);
    } catch (error) {
      // no simulation to read: stop the worker instead of leaving it blocked on its credit
      void this.pool?.terminate();
      throw error;
    }
    for (const t of TABLES) this.digests.set(t.name, new TableDigest());
  }

  private get plan(): Plan {
    return (this.planCache ??= buildPlan(this.world));
  }

  get estimatedRows(): Record<string, number> {
    return { ...(this.estimate ??= estimateRows(this.world)) };
  }

  plannedRows(): Record<string, number> {
    return { ...this.plan.rows };
  }

  batches(): AsyncIterable<LandingBatch> {
    if (this.closed) throw new Error('Simulation.batches() after close(); call simulate() again');
    if (this.started) throw new Error('Simulation.batches() can be iterated only once; call simulate() again');
    this.started = true;
    return this.workers > 0 ? this.fromWorkers() : this.inProcess();
  }

  release(batch: LandingBatch): void {
    const worker = this.producers.get(batch);
    if (worker) {
      this.producers.delete(batch);
      const columns = batch.columns;
      const command: WorkerCommand = { kind: 'recycle', table: batch.table.name, columns };
      worker.postMessage(command, columns.flatMap(columnBuffers));
      return;
    }
    (this.localSinks?.[batch.table.name as keyof Sinks] as TableSink | undefined)?.recycle(batch.columns);
  }

  private async *inProcess(): AsyncGenerator<LandingBatch> {
    const queue: LandingBatch[] = [];
    const sinks = makeSinks(this.batchSize, (b) => queue.push(b));
    this.localSinks = sinks;
    generateProductTables(this.world, sinks, this.faults);
    yield* queue.splice(0);
    const scratch = new BlockScratch();
    const cursor = { orders: 0, lines: 0 };
    const customers = this.scenario.customers;
    for (let from = 0, visible = true; visible && from < customers; from += BLOCK_SIZE) {
      visible = generateCustomerBlock(this.world, from, Math.min(from + BLOCK_SIZE, customers), cursor, sinks, this.faults, scratch);
      if (queue.length) yield* queue.splice(0);
    }
    flushSinks(sinks);
    yield* queue.splice(0);
    for (const sink of Object.values(sinks) as TableSink[]) this.digests.get(sink.table.name)!.merge(sink.digest.state());
    this.consumed = true;
  }

  /** Generator threads for this scenario: at most one per customer block. */
  private workerCount(): number {
    return Math.max(1, Math.min(this.workers, Math.ceil(this.scenario.customers / BLOCK_SIZE)));
  }

  private workerInput(catalog: ProductCatalog, index: number, count: number, plan?: Plan): WorkerInput {
    return {
      scenario: this.scenario,
      catalog,
      batchSize: this.batchSize,
      plan: plan && { blocks: plan.blocks, orderStart: plan.orderStart, itemStart: plan.itemStart },
      workerIndex: index,
      workerCount: count,
    };
  }

  private startWorkers(inputs: WorkerInput[]): WorkerPool {
    return new WorkerPool(inputs, (batch, worker) => this.producers.set(batch, worker), (digests, faults) => {
      for (const [name, state] of Object.entries(digests)) this.digests.get(name)!.merge(state);
      for (const [k, v] of Object.entries(faults)) this.faults[k as keyof FaultCounts] += v;
    });
  }

  private async *fromWorkers(): AsyncGenerator<LandingBatch> {
    const customers = this.scenario.customers;
    const count = this.workerCount();
    // Several workers share the blocks round-robin and need the plan's prefix counts; a lone
    // worker walks the blocks in order and counts as it goes (the plan costs seconds at scale).
    const plan = count > 1 ? this.plan : undefined;
    const pool = (this.pool ??= this.startWorkers(Array.from({ length: count }, (_, index) => this.workerInput(this.world.catalog, index, count, plan))));
    pool.ref();
    // This thread generates the product tables and the customer rows (strings) itself, in the
    // gaps between worker batches, and merges its digests with the workers'.
    const queue: LandingBatch[] = [];
    const sinks = makeSinks(this.batchSize, (b) => queue.push(b));
    this.localSinks = sinks;
    generateProductTables(this.world, sinks, this.faults);
    let nextCustomer = 0;
    try {
      for (;;) {
        if (pool.failure) throw pool.failure;
        if (queue.length) {
          yield queue.shift()!;
          continue;
        }
        const next = pool.pending.shift();
        if (next) {
          next.worker.postMessage({ kind: 'ack' } satisfies WorkerCommand);
          yield next.batch;
          continue;
        }
        if (nextCustomer < customers) {
          const to = Math.min(nextCustomer + BLOCK_SIZE, customers);
          const visible = generateCustomerRows(this.world, nextCustomer, to, sinks, this.faults);
          nextCustomer = visible ? to : customers;
          if (nextCustomer === customers) flushSinks(sinks);
          // let the workers' messages in between blocks, so their batches flow meanwhile
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        if (pool.running === 0) break;
        await pool.next();
      }
      flushSinks(sinks);
      while (queue.length) yield queue.shift()!;
      for (const sink of Object.values(sinks) as TableSink[]) this.digests.get(sink.table.name)!.merge(sink.digest.state());
      this.consumed = true;
    } finally {
      await pool.terminate();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool?.terminate();
  }

  summary(): SimulationSummary {
    if (!this.consumed) throw new Error('Simulation.summary() is valid only after batches() has been fully consumed');
    const tables: SimulationSummary['tables'] = {};
    for (const t of TABLES) {
      const d = this.digests.get(t.name)!;
      tables[t.name] = { rows: d.rows, digest: d.hex() };
    }
    return { tables, faults: { ...this.faults } };
  }
}

/**
 * Generator worker threads and the batches they posted that the consumer has not taken yet.
 * Workers start unreferenced, so a simulation that is never read does not keep the process
 * alive (a lone worker stops after WORKER_CREDIT batches); reading refs them.
 */
class WorkerPool {
  readonly workers: Worker[] = [];
  readonly pending: Array<{ batch: LandingBatch; worker: Worker }> = [];
  running: number;
  failure?: Error;
  private wake?: () => void;

  constructor(
    inputs: WorkerInput[],
    onBatch: (batch: LandingBatch, worker: Worker) => void,
    onDone: (digests: Record<string, { lo: number; hi: number; rows: number }>, faults: FaultCounts) => void,
  ) {
    this.running = inputs.length;
    for (const input of inputs) {
      const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: input });
      this.workers.push(worker);
      worker.on('message', (msg: WorkerMessage) => {
        if (msg.kind === 'batch') {
          const batch: LandingBatch = { table: landingTable(msg.table), rowCount: msg.rowCount, columns: msg.columns };
          onBatch(batch, worker);
          this.pending.push({ batch, worker });
        } else if (msg.kind === 'done') {
          onDone(msg.digests, msg.faults);
          this.running--;
        } else {
          this.failure ??= new Error(`simulator worker failed: ${msg.message}`);
        }
        this.notify();
      });
      worker.on('error', (error) => {
        this.failure ??= error;
        this.notify();
      });
      worker.on('exit', (code) => {
        if (code !== 0) this.failure ??= new Error(`simulator worker exited with code ${code}`);
        this.notify();
      });
      // after the listeners: adding a 'message' listener refs the worker's port again
      worker.unref();
    }
  }

  ref(): void {
    for (const w of this.workers) w.ref();
  }

  /** Resolves at the next message, error or exit of any worker. */
  next(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

/** Simulates the scenario's world and streams its landing rows as of `as_of`. */
export function simulate(scenario: Scenario, options: SimulateOptions = {}): Simulation {
  return new SimulationRun(scenario, options);
}
