/**
 * The product catalog: the vocabulary products are named and described from, per category.
 * This is the enrichment seam: `builtinCatalog` serves it offline from a built-in vocabulary,
 * and simulator/enrichment/ (Gemini) returns the same type. The simulator only picks from these
 * lists with its counter hash, so any catalog gives deterministic products.
 */
export interface ProductCatalog {
  /** Where the vocabulary came from, e.g. "builtin" or "gemini:<model>" (recorded in _sim_meta). */
  source: string;
  /** Keyed by category name; must cover every category of the scenario. */
  categories: Record<string, CategoryVocabulary>;
}

export interface CategoryVocabulary {
  /** At least one; products are spread over them evenly by the hash. */
  subcategories: SubcategoryVocabulary[];
  /** Brand names of the category (at least one). */
  brands: string[];
  /** Name parts placed before the noun ("Wireless", "Organic"); at least one. */
  adjectives: string[];
  /**
   * Description templates (at least one). Placeholders: {brand} {adjective} {noun}
   * {subcategory} {category} {name}. An empty list gives NULL descriptions.
   */
  descriptions: string[];
}

export interface SubcategoryVocabulary {
  name: string;
  /** Product nouns of the subcategory ("Headphones", "Speaker"); at least one. */
  nouns: string[];
}
