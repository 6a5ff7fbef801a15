import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../contract/errors.ts';
import { DISABLED_STRING_COMPRESSION, openDuckDB, warehouseDisabledCompression, warehouseMemoryLimit } from './engine.ts';

describe('the memory cap and load settings of a file warehouse', () => {
  it('defaults to 2.5GB, takes SIM_DUCKDB_MEMORY_LIMIT, and refuses a malformed size', () => {
    expect(warehouseMemoryLimit({})).toBe('2.5GB');
    expect(warehouseMemoryLimit({ SIM_DUCKDB_MEMORY_LIMIT: '8GiB' })).toBe('8GiB');
    expect(warehouseMemoryLimit({ SIM_DUCKDB_MEMORY_LIMIT: 'default' })).toBeUndefined();
    expect(() => warehouseMemoryLimit({ SIM_DUCKDB_MEMORY_LIMIT: 'lots' })).toThrow(InputError);
    expect(() => warehouseMemoryLimit({ SIM_DUCKDB_MEMORY_LIMIT: 'lots' })).toThrow(/expected a size such as 2.5GB/);
  });

  it('skips string compression unless SIM_DUCKDB_STRING_COMPRESSION=on, and refuses another value', () => {
    expect(warehouseDisabledCompression({})).toBe(DISABLED_STRING_COMPRESSION);
    expect(warehouseDisabledCompression({ SIM_DUCKDB_STRING_COMPRESSION: 'off' })).toBe(DISABLED_STRING_COMPRESSION);
    expect(warehouseDisabledCompression({ SIM_DUCKDB_STRING_COMPRESSION: 'ON' })).toBe('');
    expect(() => warehouseDisabledCompression({ SIM_DUCKDB_STRING_COMPRESSION: 'yes' })).toThrow(/SIM_DUCKDB_STRING_COMPRESSION=yes: expected 'on' .* or 'off'/);
  });

  it('applies to the models of a file warehouse and survives a landing, as the skipped string compressions do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memlimit-'));
    const engine = await openDuckDB(join(dir, 'w.duckdb'));
    try {
      const limit = async () => String((await engine.query(`SELECT current_setting('memory_limit') AS l`))[0].l);
      const before = await limit();
      expect(before).toMatch(/^2\.[0-9]+ GiB$/); // 2.5 GB = 2.3 GiB
      const disabled = async () => String((await engine.query(`SELECT current_setting('disabled_compression_methods') AS d`))[0].d);
      // The landing and the models skip the costly string compressions; the load runs under a smaller cap.
      const methods = (list: string) => list.toLowerCase().split(',').sort();
      expect(methods(await disabled())).toEqual(methods(DISABLED_STRING_COMPRESSION));
      const writer = await engine.openLanding('landing', []);
      expect(await limit()).not.toBe(before);
      expect(methods(await disabled())).toEqual(methods(DISABLED_STRING_COMPRESSION));
      await writer.commit();
      expect(await limit()).toBe(before);
      expect(methods(await disabled())).toEqual(methods(DISABLED_STRING_COMPRESSION));
      // ... and so does a build's session (its own connection)
      const session = engine.session(2);
      expect(methods(String((await session.query(`SELECT current_setting('disabled_compression_methods') AS d`))[0].d))).toEqual(methods(DISABLED_STRING_COMPRESSION));
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
