import { describe, expect, it } from 'vitest';
import { classify, decimalCanonical, metricsFor, timestampCanonical } from '../reconcile/profile.ts';

describe('reconcile profile normalisation', () => {
  it('spells each number one way, whichever engine printed it', () => {
    expect(decimalCanonical('1234.50')).toBe('1234.5'); // DuckDB DECIMAL(38,2)
    expect(decimalCanonical('1234.5')).toBe('1234.5'); // BigQuery NUMERIC
    expect(decimalCanonical('1234.500000000')).toBe('1234.5'); // NUMERIC at scale 9
    expect(decimalCanonical('-0.00')).toBe('0');
    expect(decimalCanonical('007')).toBe('7');
    expect(decimalCanonical('1e3')).toBe('1000');
    expect(decimalCanonical('1.5E+21')).toBe('1.5e+21');
  });

  it('reads timestamps in either engine\'s text form as the same UTC instant', () => {
    const expected = '2024-03-01T10:00:00.500000Z';
    expect(timestampCanonical('2024-03-01T10:00:00.500000Z')).toBe(expected);
    expect(timestampCanonical('2024-03-01 10:00:00.5')).toBe(expected);
    expect(timestampCanonical('2024-03-01 10:00:00.5+00')).toBe(expected);
    expect(timestampCanonical('2024-03-01 12:00:00.5+02:00')).toBe(expected);
    expect(timestampCanonical('2024-03-01 10:00:00.5 UTC')).toBe(expected);
    expect(timestampCanonical('2024-03-01')).toBe('2024-03-01T00:00:00.000000Z');
  });

  it('profiles numeric sums, key distinct counts and date ranges, by type names of either engine', () => {
    expect(['BIGINT', 'INT64', 'DECIMAL(18,2)', 'NUMERIC', 'DOUBLE', 'FLOAT64', 'TIMESTAMP WITH TIME ZONE', 'DATE', "ENUM('a', 'b')", 'STRING'].map(classify)).toEqual([
      'integer', 'integer', 'decimal', 'decimal', 'float', 'float', 'timestamp', 'date', 'string', 'string',
    ]);
    const metrics = metricsFor([
      { name: 'order_id', dataType: 'BIGINT' },
      { name: 'order_status', dataType: "ENUM('placed')" },
      { name: 'order_total', dataType: 'DECIMAL(18,2)' },
      { name: 'order_date', dataType: 'DATE' },
    ]);
    expect(metrics.map((m) => m.name)).toEqual(['rows', 'distinct(order_id)', 'sum(order_id)', 'sum(order_total)', 'min(order_date)', 'max(order_date)']);
  });
});
