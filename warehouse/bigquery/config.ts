import { InputError } from '../../contract/errors.ts';

/** The layers that get a dataset each; any other schema a model names maps to a dataset of that name. */
export const LAYERS = ['landing', 'staging', 'marts', 'consumption'] as const;
export type Layer = (typeof LAYERS)[number];

/**
 * BigQuery settings as they arrive from one source (flags, environment, scenario file). Every
 * field is optional; `resolveBigQueryConfig` merges the sources with flags > env > scenario >
 * defaults and validates the result.
 */
export interface BigQueryOptions {
  project?: string;
  location?: string;
  /** Prepended to every dataset id, e.g. 'dev_alice_' for a per-developer sandbox. */
  datasetPrefix?: string;
  /** Dataset id per layer (before the prefix), e.g. { marts: 'analytics' }. */
  datasets?: Partial<Record<string, string>>;
  /** Bytes (a number or '10GB', '500MB', '1TB'); a query job that would bill more fails instead. */
  maximumBytesBilled?: string | number;
  labels?: Record<string, string>;
  dryRun?: boolean;
  /** A service-account key file (from a dbt profile's `keyfile`); GOOGLE_APPLICATION_CREDENTIALS wins over it. */
  keyFile?: string;
}

export interface BigQueryConfig {
  /** Undefined until the credentials preflight fills it from the credentials' own project. */
  projectId?: string;
  location: string;
  datasetPrefix: string;
  datasets: Record<string, string>;
  /** Decimal string (the REST API's int64 encoding), undefined for no limit. */
  maximumBytesBilled?: string;
  labels: Record<string, string>;
  dryRun: boolean;
  keyFile?: string;
}

export const DEFAULT_LOCATION = 'US';
/** A default ceiling that stops a runaway query at a few dollars of on-demand pricing. */
export const DEFAULT_MAXIMUM_BYTES_BILLED = String(100 * 1024 ** 3);
export const TOOL_LABEL = { tool: 'ecom-sim' } as const;

/** The environment variables read, in the order they win. */
export const ENV = {
  project: ['SIM_BQ_PROJECT', 'GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT'],
  location: ['SIM_BQ_LOCATION'],
  datasetPrefix: ['SIM_BQ_DATASET_PREFIX'],
  maximumBytesBilled: ['SIM_BQ_MAXIMUM_BYTES_BILLED'],
  labels: ['SIM_BQ_LABELS'],
} as const;

/** Reads the BigQuery settings from the environment (labels as 'k=v,k=v'). */
export function bigqueryOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): BigQueryOptions {
  const first = (names: readonly string[]) => names.map((n) => env[n]).find((v) => v !== undefined && v !== '');
  const labels = first(ENV.labels);
  return {
    project: first(ENV.project),
    location: first(ENV.location),
    datasetPrefix: first(ENV.datasetPrefix),
    maximumBytesBilled: first(ENV.maximumBytesBilled),
    labels: labels === undefined ? undefined : parseLabels(labels.split(','), ENV.labels[0]),
  };
}

/** Merges option sources, first wins (flags, env, scenario), and validates every value. */
export function resolveBigQueryConfig(...sources: (BigQueryOptions | undefined)[]): BigQueryConfig {
  const pick = <K extends keyof BigQueryOptions>(key: K): BigQueryOptions[K] => sources.find((s) => s?.[key] !== undefined)?.[key];
  const datasets: Record<string, string> = Object.fromEntries(LAYERS.map((l) => [l, l]));
  // Per-layer names merge key by key, lower-priority sources first.
  for (const source of [...sources].reverse()) Object.assign(datasets, source?.datasets ?? {});
  const labels: Record<string, string> = {};
  for (const source of [...sources].reverse()) Object.assign(labels, source?.labels ?? {});

  const config: BigQueryConfig = {
    projectId: pick('project'),
    location: pick('location') ?? DEFAULT_LOCATION,
    datasetPrefix: pick('datasetPrefix') ?? '',
    datasets,
    maximumBytesBilled: parseBytes(pick('maximumBytesBilled') ?? DEFAULT_MAXIMUM_BYTES_BILLED),
    labels: { ...labels, ...TOOL_LABEL },
    dryRun: pick('dryRun') ?? false,
    keyFile: pick('keyFile'),
  };
  validate(config);
  return config;
}

/** The physical dataset id of a logical schema. */
export function datasetIdOf(config: Pick<BigQueryConfig, 'datasetPrefix' | 'datasets'>, schema: string): string {
  return config.datasetPrefix + (config.datasets[schema] ?? schema);
}

const PROJECT_RE = /^(?:[a-z][a-z0-9.-]*:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const DATASET_RE = /^[A-Za-z0-9_]{1,1024}$/;
const LABEL_KEY_RE = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE_RE = /^[a-z0-9_-]{0,63}$/;

function validate(config: BigQueryConfig): void {
  if (config.projectId !== undefined && !PROJECT_RE.test(config.projectId)) {
    throw new InputError(`--bq-project '${config.projectId}' is not a Google Cloud project id (6-30 lowercase letters, digits and hyphens, starting with a letter)`);
  }
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(config.location)) {
    throw new InputError(`--bq-location '${config.location}' is not a BigQuery location (e.g. US, EU, europe-west1)`);
  }
  if (config.datasetPrefix !== '' && !/^[A-Za-z0-9_]+$/.test(config.datasetPrefix)) {
    throw new InputError(`--dataset-prefix '${config.datasetPrefix}' may only contain letters, digits and underscores`);
  }
  for (const [layer, id] of Object.entries(config.datasets)) {
    if (!DATASET_RE.test(config.datasetPrefix + id)) {
      throw new InputError(`--bq-dataset ${layer}=${id}: dataset ids may only contain letters, digits and underscores`);
    }
  }
  for (const [key, value] of Object.entries(config.labels)) {
    if (!LABEL_KEY_RE.test(key) || !LABEL_VALUE_RE.test(value)) {
      throw new InputError(`--bq-label ${key}=${value}: label keys and values take lowercase letters, digits, '_' and '-' (keys start with a letter, at most 63 characters)`);
    }
  }
}

/** Parses 'key=value' pairs (repeatable --bq-label, or SIM_BQ_LABELS split on commas). */
export function parseLabels(pairs: readonly string[], flag = '--bq-label'): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of pairs.map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError(`${flag} '${pair}' must be key=value (e.g. team=data)`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

/** Parses 'layer=dataset' pairs of the repeatable --bq-dataset flag. */
export function parseDatasets(pairs: readonly string[]): Record<string, string> {
  const datasets: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError(`--bq-dataset '${pair}' must be layer=dataset (layers: ${LAYERS.join(', ')})`);
    datasets[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return datasets;
}

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** '10GB' / '500 MB' / '1TB' / '1048576' -> a decimal string of bytes (binary units, as BigQuery bills). */
export function parseBytes(value: string | number): string {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?\s*$/i.exec(String(value));
  const bytes = m ? Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'B').toUpperCase().replace('IB', 'B')]) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new InputError(`--maximum-bytes-billed '${value}' must be a positive number of bytes, optionally with a unit (e.g. 10GB, 500MB, 1TB)`);
  }
  return String(bytes);
}

/** Human-readable bytes for reports (binary units, like BigQuery's console). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
