import { describe, expect, it } from 'vitest';
import { InputError } from '../../contract/errors.ts';
import { EngineError } from '../engine.ts';
import { MaterializationError } from '../materializations/incremental.ts';
import type { ModelNode } from '../project/types.ts';
import { describeNodeError, isInputFailure } from './errors.ts';

const node = {
  resourceType: 'model',
  name: 'fact_orders',
  originalFilePath: 'models/marts/fact_orders.sql',
  location: { file: 'models/marts/fact_orders.sql', line: 1 },
  rawCode: "{{ config(materialized='table') }}\nselect\n    order_id,\n    amount * 2 as doubled\nfrom {{ ref('stg_orders') }}\n",
  rawCodeLine: 1,
} as unknown as ModelNode;

describe('node errors', () => {
  it("maps the engine's LINE pointer through the statement back to the model file", () => {
    const statement = 'CREATE TABLE "marts"."fact_orders__dbt_tmp"\nAS (\nselect\n    order_id,\n    amount * 2 as doubled\nfrom "staging"."stg_orders"\n)';
    const error = new EngineError('Conversion Error: Could not convert string to INT32\n\nLINE 5:     amount * 2 as doubled\n            ^');
    expect(describeNodeError(node, error, 'select ...', statement)).toBe(
      'Database Error in model fact_orders (models/marts/fact_orders.sql:4)\n  Conversion Error: Could not convert string to INT32',
    );
  });

  it('classifies exit codes: SQL and config mistakes are input (2), the engine failing is not (3)', () => {
    expect(isInputFailure(new EngineError('Binder Error: Referenced column "x" not found'))).toBe(true);
    expect(isInputFailure(new EngineError('Parser Error: syntax error at or near "frm"'))).toBe(true);
    expect(isInputFailure(new MaterializationError('columns changed'))).toBe(true);
    expect(isInputFailure(new InputError('models/x.sql:3: unknown ref'))).toBe(true);
    expect(isInputFailure(new EngineError('Out of Memory Error: could not allocate block'))).toBe(false);
    expect(isInputFailure(new EngineError('TransactionContext Error: Conflict on update', undefined, true))).toBe(false);
    expect(isInputFailure(new Error('bug'))).toBe(false);
  });
});
