/**
 * Gemini enrichment of the product catalog (the `enrich: gemini` scenario mode). The public
 * entry point is `resolveCatalog(scenario, options)`, which returns the same `ProductCatalog`
 * as `builtinCatalog` and is called before any row is generated.
 */
export {
  resolveCatalog,
  resolveCatalogWithProvenance,
  geminiModel,
  defaultCacheDir,
  DEFAULT_GEMINI_MODEL,
  type EnrichmentOptions,
  type CatalogProvenance,
} from './resolve.ts';
export { EnrichmentError } from './gemini-client.ts';
export { cacheKey, cacheFileName, type CacheEntry } from './cache.ts';
