import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { InputError } from '../../../contract/errors.ts';

/**
 * The ZetaSQL local service (BigQuery's open-source analyser and reference evaluator), run from
 * the Linux binary shipped inside the optional npm package `@fivetrandevelopers/zetasql`.
 *
 * We spawn `remote_server.so` ourselves instead of calling the package's `runServer()`: that one
 * returns a promise that never settles and hides the pid, so nobody could stop the server. We
 * also build our own gRPC stub from the package's .proto files instead of its `ZetaSQLClient`,
 * which is a process-wide singleton: with our own stub, int64 values arrive as strings and two
 * services (say, a test and the command under test) can live in one process.
 */

export const ZETASQL_PACKAGE = '@fivetrandevelopers/zetasql';
const INSTALL_HINT = `install it with \`npm install --include=optional\` (or \`npm install ${ZETASQL_PACKAGE}\`); it ships a Linux/macOS binary that needs only libc and libstdc++`;

/** The raw gRPC stub: every RPC of local_service.proto, callback style. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type GrpcStub = Record<string, any> & { close(): void };

export interface ZetaSqlServer {
  readonly pid: number;
  readonly port: number;
  /** Calls one unary RPC of the local service (e.g. 'analyze', 'evaluateQuery'). */
  call<TRes = unknown>(method: string, request: unknown): Promise<TRes>;
  /** Kills the server process and closes the channel. Safe to call twice. */
  stop(): Promise<void>;
}

interface ZetaSqlPackage {
  binary: string;
  protosDir: string;
  require: NodeJS.Require;
}

/** Finds the package and its binary for this platform, or throws an InputError saying how to install it. */
export function locateZetaSql(resolvePackage: (name: string) => string = createRequire(import.meta.url).resolve): ZetaSqlPackage {
  let main: string;
  try {
    main = resolvePackage(ZETASQL_PACKAGE);
  } catch {
    throw new InputError(`the ZetaSQL analyser is not installed (optional dependency ${ZETASQL_PACKAGE})`, INSTALL_HINT);
  }
  const lib = path.dirname(main);
  const arm = process.arch === 'arm64' ? '_arm' : '';
  const suffix = process.platform === 'darwin' ? '' : '.so';
  if (!['linux', 'darwin'].includes(process.platform) || !['x64', 'arm64'].includes(process.arch)) {
    throw new InputError(`${ZETASQL_PACKAGE} ships no ZetaSQL binary for ${process.platform}/${process.arch} (only linux and darwin, x64 and arm64)`);
  }
  return {
    binary: path.join(lib, 'zetasql', `remote_server${arm}${suffix}`),
    protosDir: path.join(lib, 'zetasql', 'protos'),
    // gRPC libraries resolved from the package itself, so we use the versions it was built with.
    require: createRequire(main),
  };
}

/** True when the optional package is installed (no process is started). */
export function zetaSqlAvailable(): boolean {
  try {
    locateZetaSql();
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The proto set is about 200 files and takes ~0.5 s to load: do it once per process.
let cachedDefinition: { pkg: ZetaSqlPackage; service: new (address: string, credentials: unknown, options: object) => GrpcStub } | undefined;

function loadService(pkg: ZetaSqlPackage) {
  if (cachedDefinition) return cachedDefinition.service;
  const grpc = pkg.require('@grpc/grpc-js');
  const protoLoader = pkg.require('@grpc/proto-loader');
  const definition = protoLoader.loadSync('local_service.proto', {
    includeDirs: [pkg.protosDir],
    longs: String, // int64 as decimal strings: exact, and no Long objects to unpack
    enums: String,
    bytes: Buffer,
    defaults: true,
    oneofs: true,
  });
  const service = grpc.loadPackageDefinition(definition).zetasql.local_service.ZetaSqlLocalService;
  cachedDefinition = { pkg, service };
  return service;
}

/**
 * Starts a ZetaSQL server on a free loopback port and connects to it. The server is killed by
 * `stop()`, and also when this process exits or is interrupted, so no orphan is left behind.
 */
export async function startZetaSql(options: { startTimeoutMs?: number } = {}): Promise<ZetaSqlServer> {
  const pkg = locateZetaSql();
  const port = await freePort();
  const child: ChildProcess = spawn(pkg.binary, ['localhost', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log = (log + d).slice(-4000)));
  child.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
  let exited: string | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `code ${code ?? '-'}, signal ${signal ?? '-'}`;
      resolve();
    });
    child.once('error', (error) => {
      exited = error.message;
      resolve();
    });
  });

  const killNow = () => {
    if (!exited) child.kill('SIGKILL');
  };
  const onSignal = (signal: NodeJS.Signals) => {
    killNow();
    removeHooks();
    // Re-raise so the default behaviour (or another handler) still applies.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const removeHooks = () => {
    process.off('exit', killNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('exit', killNow);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let stub: GrpcStub | undefined;
  const stop = async () => {
    removeHooks();
    stub?.close();
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(killNow, 2000);
      await exitedPromise;
      clearTimeout(timer);
    }
  };

  try {
    const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
    while (!(await canConnect(port))) {
      if (exited) throw new Error(`the ZetaSQL server (${pkg.binary}) exited at start (${exited}): ${log.trim() || 'no output'}`);
      if (Date.now() > deadline) throw new Error(`the ZetaSQL server did not listen on port ${port} within ${options.startTimeoutMs ?? 20_000} ms`);
      await sleep(20);
    }
    const grpc = pkg.require('@grpc/grpc-js');
    const Service = loadService(pkg);
    const limit = 500 * 1024 * 1024;
    stub = new Service(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      'grpc.max_send_message_length': limit,
      'grpc.max_receive_message_length': limit,
    });
  } catch (error) {
    await stop();
    throw error;
  }

  const call = <TRes>(method: string, request: unknown) =>
    new Promise<TRes>((resolve, reject) => {
      if (exited) return reject(new Error(`the ZetaSQL server has exited (${exited}): ${log.trim()}`));
      const fn = stub![method];
      if (typeof fn !== 'function') return reject(new Error(`unknown ZetaSQL RPC '${method}'`));
      fn.call(stub, request, (error: Error | null, response: TRes) => (error ? reject(error) : resolve(response)));
    });

  return { pid: child.pid!, port, call, stop };
}
