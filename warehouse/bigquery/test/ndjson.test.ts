import { describe, expect, it } from 'vitest';
import { isUtf8Column, packUtf8 } from '../../../contract/batch.ts';
import { customers } from '../../../contract/landing.ts';
import { encodeRows, logicalBytes } from '../ndjson.ts';
import { batchOf } from './helpers.ts';

describe('NDJSON of landing batches', () => {
  const rows = [
    { customer_id: 1, first_name: 'Łukasz', last_name: 'Müller-Świątek', email: 'lukasz.muller1@gmail.com', country_code: 'PL', acquisition_channel: 'organic', created_at: '2024-01-02T03:04:05Z' },
    { customer_id: 2, first_name: "O'Neil", last_name: 'Smith "Jr"', email: null, country_code: 'US', acquisition_channel: 'email', created_at: '2024-01-03T00:00:00Z' },
    { customer_id: 3, first_name: '', last_name: 'clef 𝄞', email: 'x@y.z', country_code: 'DE', acquisition_channel: 'social', created_at: '2024-02-29T12:00:00Z' },
  ];

  it('encodes strings packed as UTF-8 exactly as the same JS strings (NULLs omitted), and counts the same bytes', () => {
    const plain = batchOf(customers, rows);
    const packed = { ...plain, columns: plain.columns.map((col) => (Array.isArray(col) ? packUtf8(col) : col)) };
    expect(packed.columns.filter((c) => isUtf8Column(c))).toHaveLength(4);
    const text = encodeRows(packed);
    expect(text).toBe(encodeRows(plain));
    expect(JSON.parse(text.split('\n')[0])).toMatchObject({ first_name: 'Łukasz', last_name: 'Müller-Świątek' });
    expect(JSON.parse(text.split('\n')[1])).not.toHaveProperty('email');
    expect(logicalBytes(packed)).toBe(logicalBytes(plain));
  });
});
