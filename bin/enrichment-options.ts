import type { Command } from 'commander';
import type { EnrichmentOptions } from '../simulator/enrichment/index.ts';

/**
 * The Gemini enrichment flags of the commands that simulate (`sim`/`sim run`, `sim step`,
 * `sim retry`). `--enrich gemini` and `--gemini-model` are scenario flags (the model decides the
 * data, so it is part of the scenario, bin/scenario-options.ts); these say where the cache lives.
 */
export function addEnrichmentOptions(cmd: Command): Command {
  return cmd
    .option('--enrichment-cache <dir>', 'cached Gemini catalogs (env SIM_ENRICHMENT_CACHE; default fixtures/enrichment/ of the project)')
    .option('--enrichment-offline', 'with --enrich gemini: replay cached catalogs only, never call Gemini');
}

export interface EnrichmentFlags {
  enrichmentCache?: string;
  enrichmentOffline?: boolean;
  quiet?: boolean;
}

export function enrichmentOptionsFromFlags(flags: EnrichmentFlags, env: Record<string, string | undefined> = process.env): EnrichmentOptions {
  return {
    env,
    cacheDir: flags.enrichmentCache,
    offline: flags.enrichmentOffline === true,
    log: flags.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
  };
}
