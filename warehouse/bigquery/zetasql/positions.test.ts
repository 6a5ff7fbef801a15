import { describe, expect, it } from 'vitest';
import { createTableAs } from '../../materializations/sql.ts';
import { bigqueryDialect } from '../dialect.ts';
import { excerpt, positionInCompiled, sourceLineFor, tokenAt } from './positions.ts';

describe('positions from the statement sent back to the model', () => {
  const compiled = '\n-- daily revenue\nselect\n    order_date,\n    strftime(order_ts, \'%Y\') as y\nfrom `landing`.`orders`\n';
  const statement = createTableAs(bigqueryDialect, { schema: 'marts', name: 'x' }, compiled, { partition_by: { field: 'order_date' } }, true);

  it('maps a line inside the wrapped CTAS to the compiled SQL line and column', () => {
    const line = statement.split('\n').findIndex((l) => l.includes('strftime')) + 1;
    const column = statement.split('\n')[line - 1].indexOf('strftime') + 1;
    const position = positionInCompiled(statement, compiled, line, column);
    expect(position).toMatchObject({ line: 5, column: 5, inCompiled: true });
    expect(position.text).toBe("    strftime(order_ts, '%Y') as y");
  });

  it('keeps the statement position when the error is in the wrapper', () => {
    expect(positionInCompiled(statement, compiled, 1, 1)).toMatchObject({ line: 1, column: 1, inCompiled: false });
  });

  it('finds the source line by its text, or by the offending token', () => {
    const raw = "{{ config(materialized='table') }}\n-- daily revenue\nselect\n    order_date,\n    strftime(order_ts, '%Y') as y\nfrom {{ source('landing', 'orders') }}";
    expect(sourceLineFor(raw, 1, "    strftime(order_ts, '%Y') as y")).toBe(5);
    expect(sourceLineFor(raw, 10, "strftime(order_ts, '%Y') as y, other")).toBeUndefined();
    expect(sourceLineFor(raw, 10, "strftime(order_ts, '%Y') as y, other", 'strftime(')).toBe(14);
    expect(tokenAt("    strftime(order_ts, '%Y') as y", 5)).toBe('strftime(');
    expect(tokenAt('    order_ts::date', 13)).toBe('::date');
  });

  it('draws a caret under the column', () => {
    expect(excerpt(12, 5, 'abc defg')).toBe('    12 | abc defg\n       |     ^');
  });
});
