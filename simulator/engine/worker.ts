import { parentPort, workerData } from 'node:worker_threads';
import { columnBuffers, type LandingBatch } from '../../contract/batch.ts';
import { World } from '../world/world.ts';
import { BlockScratch, emptyFaultCounts, generateCustomerBlock, type Sinks } from './generate.ts';
import { BLOCK_SIZE } from './plan.ts';
import { flushSinks, makeSinks, WORKER_CREDIT, type WorkerCommand, type WorkerInput, type WorkerMessage } from './simulation.ts';
import type { TableSink } from './sink.ts';

/**
 * A generator thread: builds the same World from the scenario, generates the orders and order
 * lines of its share of customer blocks (all of them in order, or round-robin with the plan), and posts each batch with its buffers
 * transferred (numeric columns only, so nothing is copied). It waits for the
 * consumer's acks when WORKER_CREDIT batches are in flight, so memory stays flat, and reuses
 * the arrays of the batches the consumer hands back once loaded.
 */
const input = workerData as WorkerInput;
const port = parentPort!;
let inFlight = 0;
let resume: (() => void) | undefined;
let sinks: Sinks | undefined;
port.on('message', (command: WorkerCommand) => {
  if (command.kind === 'recycle') {
    (sinks?.[command.table as keyof Sinks] as TableSink | undefined)?.recycle(command.columns);
    return;
  }
  inFlight--;
  const r = resume;
  resume = undefined;
  r?.();
});

const queue: LandingBatch[] = [];

async function drain(): Promise<void> {
  while (queue.length) {
    while (inFlight >= WORKER_CREDIT) await new Promise<void>((r) => (resume = r));
    const batch = queue.shift()!;
    const transfer = batch.columns.flatMap(columnBuffers);
    const msg: WorkerMessage = { kind: 'batch', table: batch.table.name, rowCount: batch.rowCount, columns: batch.columns };
    inFlight++;
    port.postMessage(msg, transfer);
  }
}

async function run(): Promise<void> {
  const world = new World(input.scenario, input.catalog);
  const faults = emptyFaultCounts();
  const own = makeSinks(input.batchSize, (b) => queue.push(b));
  sinks = own;
  const { plan } = input;
  const blockSize = BLOCK_SIZE;
  const customers = input.scenario.customers;
  const scratch = new BlockScratch();
  if (plan) {
    for (let blk = input.workerIndex; blk < plan.blocks; blk += input.workerCount) {
      const from = blk * blockSize;
      const cursor = { orders: plan.orderStart[blk], lines: plan.itemStart[blk] };
      generateCustomerBlock(world, from, Math.min(from + blockSize, customers), cursor, own, faults, scratch, false);
      await drain();
    }
  } else {
    const cursor = { orders: 0, lines: 0 };
    for (let from = 0, visible = true; visible && from < customers; from += blockSize) {
      visible = generateCustomerBlock(world, from, Math.min(from + blockSize, customers), cursor, own, faults, scratch, false);
      await drain();
    }
  }
  flushSinks(own);
  await drain();
  const digests: Record<string, { lo: number; hi: number; rows: number }> = {};
  for (const sink of Object.values(own) as TableSink[]) digests[sink.table.name] = sink.digest.state();
  const done: WorkerMessage = { kind: 'done', digests, faults };
  port.postMessage(done);
}

run().catch((error: unknown) => {
  const msg: WorkerMessage = { kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  port.postMessage(msg);
});
