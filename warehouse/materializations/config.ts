import { InputError } from '../../contract/errors.ts';
import {
  INCREMENTAL_STRATEGIES,
  ON_SCHEMA_CHANGE,
  type IncrementalConfig,
  type IncrementalStrategy,
  type OnSchemaChange,
  type PartitionBy,
  type TableConfig,
} from './types.ts';

/**
 * Reads the materialization settings of a node's merged config (dbt names), validating them
 * so that a typo fails before anything touches the warehouse. `where` names the model file for
 * the error message.
 */
export function tableConfig(config: Record<string, unknown>, where: string): TableConfig {
  return {
    partition_by: partitionBy(config.partition_by, where),
    cluster_by: optionalList(config.cluster_by, 'cluster_by', where),
  };
}

export function incrementalConfig(config: Record<string, unknown>, where: string): IncrementalConfig {
  const uniqueKey = optionalList(config.unique_key, 'unique_key', where);
  const strategy = (config.incremental_strategy ?? (uniqueKey ? 'merge' : 'append')) as IncrementalStrategy;
  if (!INCREMENTAL_STRATEGIES.includes(strategy)) {
    throw new InputError(`${where}: incremental_strategy '${String(strategy)}' is not known (accepted: ${INCREMENTAL_STRATEGIES.join(', ')})`);
  }
  if (strategy === 'delete+insert' && !uniqueKey) {
    throw new InputError(`${where}: incremental_strategy 'delete+insert' needs a unique_key`);
  }
  const onSchemaChange = (config.on_schema_change ?? 'ignore') as OnSchemaChange;
  if (!ON_SCHEMA_CHANGE.includes(onSchemaChange)) {
    throw new InputError(`${where}: on_schema_change '${String(onSchemaChange)}' is not known (accepted: ${ON_SCHEMA_CHANGE.join(', ')})`);
  }
  const table = tableConfig(config, where);
  if (strategy === 'insert_overwrite' && !table.partition_by) {
    throw new InputError(`${where}: incremental_strategy 'insert_overwrite' needs partition_by`);
  }
  return { ...table, unique_key: uniqueKey, incremental_strategy: strategy, on_schema_change: onSchemaChange };
}

function optionalList(value: unknown, key: string, where: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new InputError(`${where}: ${key} must be a column name or a list of column names, got ${JSON.stringify(value)}`);
}

const PARTITION_TYPES = ['date', 'timestamp', 'datetime', 'int64'];
const GRANULARITIES = ['hour', 'day', 'month', 'year'];

function partitionBy(value: unknown, where: string): PartitionBy | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || typeof (value as PartitionBy).field !== 'string') {
    throw new InputError(`${where}: partition_by must be a dict like {field: order_date, data_type: date, granularity: day}`);
  }
  const p = value as PartitionBy;
  const dataType = (p.data_type ?? 'date').toLowerCase() as PartitionBy['data_type'];
  if (!PARTITION_TYPES.includes(dataType!)) {
    throw new InputError(`${where}: partition_by.data_type '${p.data_type}' is not known (accepted: ${PARTITION_TYPES.join(', ')})`);
  }
  const granularity = (p.granularity ?? 'day').toLowerCase() as PartitionBy['granularity'];
  if (!GRANULARITIES.includes(granularity!)) {
    throw new InputError(`${where}: partition_by.granularity '${p.granularity}' is not known (accepted: ${GRANULARITIES.join(', ')})`);
  }
  if (dataType === 'int64' && !p.range) {
    throw new InputError(`${where}: partition_by with data_type int64 needs range: {start, end, interval}`);
  }
  return { field: p.field, data_type: dataType, granularity, range: p.range };
}
