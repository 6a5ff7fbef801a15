import type { LogicalType, TableContract } from '../../../contract/types.ts';
import { bigQueryLanguageOptions } from './language.ts';

/**
 * The ZetaSQL catalog (a SimpleCatalogProto) that stands in for BigQuery's datasets: the landing
 * contract's tables, plus each model's output columns as the check walks the DAG.
 *
 * BigQuery resolves the same table through several spellings, and the compiled SQL may use any
 * of them: `landing.orders`, `` `landing`.`orders` ``, `my-project.landing.orders`, or the whole
 * path in ONE pair of backticks (`` `my-project.landing.orders` ``). ZetaSQL resolves the first
 * three through nested catalogs but reads the last as a single identifier, so every table is
 * registered twice: nested (project > dataset > table) and at the root under its dotted names.
 */

/** A ZetaSQL TypeKind name, e.g. TYPE_INT64. */
export type TypeKind = string;

/** ZetaSQL's TypeProto as far as BigQuery's types go: a kind, plus ARRAY's element or STRUCT's fields. */
export interface TypeProto {
  typeKind: TypeKind;
  arrayType?: { elementType: TypeProto };
  structType?: { field: { fieldName: string; fieldType: TypeProto }[] };
}

export interface CatalogColumn {
  name: string;
  typeKind: TypeKind;
  /**
   * The whole type, only where the kind alone does not say it (ARRAY, STRUCT): registering
   * `TYPE_ARRAY` without its element type is refused by ZetaSQL, and `ADD COLUMN x ARRAY` is
   * not BigQuery.
   */
  type?: TypeProto;
}

/** The type as sent back in a resolved AST (every field present, most null), reduced to TypeProto. */
function typeProto(type: TypeProto): TypeProto {
  if (type.arrayType) return { typeKind: type.typeKind, arrayType: { elementType: typeProto(type.arrayType.elementType) } };
  if (type.structType) {
    const field = type.structType.field.map((f) => ({ fieldName: f.fieldName, fieldType: typeProto(f.fieldType) }));
    return { typeKind: type.typeKind, structType: { field } };
  }
  return { typeKind: type.typeKind };
}

/** A column of a resolved type; the type is kept whole only where its kind is not enough. */
export function catalogColumn(name: string, type: TypeProto): CatalogColumn {
  const whole = typeProto(type);
  return whole.arrayType || whole.structType ? { name, typeKind: whole.typeKind, type: whole } : { name, typeKind: whole.typeKind };
}

export interface CatalogRelation {
  /** Dataset (schema) name, e.g. `landing` or `staging`. */
  dataset: string;
  name: string;
  columns: readonly CatalogColumn[];
  /** Default 'table'. */
  kind?: 'table' | 'view';
}

const LOGICAL_TO_TYPE_KIND: Record<LogicalType, TypeKind> = {
  INT64: 'TYPE_INT64',
  STRING: 'TYPE_STRING',
  NUMERIC: 'TYPE_NUMERIC',
  TIMESTAMP: 'TYPE_TIMESTAMP',
  DATE: 'TYPE_DATE',
  BOOL: 'TYPE_BOOL',
  FLOAT64: 'TYPE_DOUBLE',
};

/**
 * BigQuery spelling of a ZetaSQL type (TYPE_DOUBLE -> FLOAT64, ARRAY<STRUCT<`p` INT64>>), as
 * messages show it and as DDL such as on_schema_change's `ADD COLUMN` writes it.
 */
export function bigQueryTypeName(typeKind: TypeKind, type?: TypeProto): string {
  if (type?.arrayType) return `ARRAY<${bigQueryTypeName(type.arrayType.elementType.typeKind, type.arrayType.elementType)}>`;
  if (type?.structType) {
    const fields = type.structType.field.map((f) => {
      const fieldType = bigQueryTypeName(f.fieldType.typeKind, f.fieldType);
      return f.fieldName ? `\`${f.fieldName}\` ${fieldType}` : fieldType;
    });
    return `STRUCT<${fields.join(', ')}>`;
  }
  const name = typeKind.replace(/^TYPE_/, '');
  return name === 'DOUBLE' ? 'FLOAT64' : name;
}

/** The landing contract's table as a catalog relation (BigQuery types, 1:1). */
export function relationFromContract(dataset: string, table: TableContract): CatalogRelation {
  return {
    dataset,
    name: table.name,
    columns: table.columns.map((c) => ({ name: c.name, typeKind: LOGICAL_TO_TYPE_KIND[c.type] })),
  };
}

/** The column changes of an ALTER TABLE, as the catalog applies them (see AlterAction in analyzer.ts). */
export type ColumnChange =
  | { action: 'addColumn'; column: CatalogColumn; ifNotExists: boolean }
  | { action: 'dropColumn'; name: string }
  | { action: 'renameColumn'; name: string; newName: string }
  | { action: 'setDataType'; name: string; type: TypeProto };

/**
 * The relation after ALTER TABLE's column actions, applied in order as BigQuery applies them.
 * Column names compare case-insensitively (BigQuery's rule); ZetaSQL has already rejected an
 * ADD of an existing column or a DROP of a missing one, so only `IF NOT EXISTS` and
 * `IF EXISTS` no-ops reach here.
 */
export function alterColumns(relation: CatalogRelation, changes: readonly ColumnChange[]): CatalogRelation {
  let columns = [...relation.columns];
  const same = (name: string) => (c: CatalogColumn) => c.name.toLowerCase() === name.toLowerCase();
  for (const change of changes) {
    switch (change.action) {
      case 'addColumn':
        if (!columns.some(same(change.column.name))) columns.push(change.column);
        break;
      case 'dropColumn':
        columns = columns.filter((c) => !same(change.name)(c));
        break;
      case 'renameColumn':
        columns = columns.map((c) => (same(change.name)(c) ? { ...c, name: change.newName } : c));
        break;
      case 'setDataType':
        columns = columns.map((c) => (same(change.name)(c) ? catalogColumn(c.name, change.type) : c));
        break;
    }
  }
  return { ...relation, columns };
}

interface SimpleColumnProto {
  name: string;
  type: TypeProto;
}
interface SimpleTableProto {
  name: string;
  column: SimpleColumnProto[];
}
export interface SimpleCatalogProto {
  name: string;
  table?: SimpleTableProto[];
  catalog?: SimpleCatalogProto[];
  builtinFunctionOptions?: { languageOptions: unknown };
}

/**
 * The relations of a BigQuery project as ZetaSQL sees them. Later `add`s of the same
 * dataset.name replace earlier ones (a model rebuilt, an incremental target redefined).
 */
export class BigQueryCatalog {
  private readonly relations = new Map<string, CatalogRelation>();
  /** Bumped on every change, so an analyser knows when to re-register the catalog. */
  version = 0;

  /** @param project the GCP project id the SQL may qualify tables with (e.g. `my-project`). */
  constructor(readonly project?: string) {}

  add(relation: CatalogRelation): this {
    this.relations.set(`${relation.dataset}.${relation.name}`.toLowerCase(), relation);
    this.version++;
    return this;
  }

  remove(dataset: string, name: string): boolean {
    const removed = this.relations.delete(`${dataset}.${name}`.toLowerCase());
    if (removed) this.version++;
    return removed;
  }

  has(dataset: string, name: string): boolean {
    return this.relations.has(`${dataset}.${name}`.toLowerCase());
  }

  get(dataset: string, name: string): CatalogRelation | undefined {
    return this.relations.get(`${dataset}.${name}`.toLowerCase());
  }

  list(): CatalogRelation[] {
    return [...this.relations.values()];
  }

  /**
   * The names one relation answers to at the catalog root (single identifiers that contain dots):
   * `dataset.name` and, with a project, `project.dataset.name`.
   */
  rootNames(relation: CatalogRelation): string[] {
    const names = [`${relation.dataset}.${relation.name}`];
    if (this.project) names.push(`${this.project}.${relation.dataset}.${relation.name}`);
    return names;
  }

  /** The SimpleCatalogProto with builtin functions for BigQuery's language options. */
  toProto(): SimpleCatalogProto {
    const datasets = new Map<string, SimpleTableProto[]>();
    const root: SimpleTableProto[] = [];
    for (const relation of this.relations.values()) {
      const columns = relation.columns.map((c) => ({ name: c.name, type: c.type ?? { typeKind: c.typeKind } }));
      if (!datasets.has(relation.dataset)) datasets.set(relation.dataset, []);
      datasets.get(relation.dataset)!.push({ name: relation.name, column: columns });
      for (const name of this.rootNames(relation)) root.push({ name, column: columns });
    }
    const datasetCatalogs = [...datasets].map(([name, table]) => ({ name, table }));
    const catalogs: SimpleCatalogProto[] = [...datasetCatalogs];
    if (this.project) catalogs.push({ name: this.project, catalog: datasetCatalogs });
    return {
      name: 'root',
      table: root,
      catalog: catalogs,
      builtinFunctionOptions: { languageOptions: bigQueryLanguageOptions() },
    };
  }
}
