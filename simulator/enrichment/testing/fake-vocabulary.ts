import type { RecordedRequest, Reply } from './fake-gemini.ts';

/**
 * A well-formed answer for the categories a request asks for (read from the response schema's
 * category enum, as a real model would honour it). Words are recognisably "loopback" ones, so a
 * test can tell an enriched product from a built-in one.
 */
export function fakeCategoryAnswer(category: string) {
  const tag = category.replace(/[^A-Za-z]/g, '').slice(0, 12);
  return {
    category,
    subcategories: ['Alpha', 'Beta', 'Gamma'].map((s, i) => ({
      name: `${tag} ${s}`,
      nouns: ['Widget', 'Gadget', 'Gizmo', 'Doohickey'].map((n) => `${s} ${n} ${i + 1}`),
    })),
    brands: ['Loopbrand', 'Fakeworks', 'Echo Labs', 'Replay Co', 'Localhost & Sons'].map((b) => `${b} ${tag}`.slice(0, 40)),
    adjectives: ['Looped', 'Mocked', 'Stubbed', 'Recorded', 'Replayed', 'Offline'],
    descriptions: [
      'The {name} is a loopback classic from {brand}.',
      'A {adjective} {noun} for every {subcategory} fan.',
      '{brand} makes the best {noun} in {category}.',
    ],
  };
}

export function requestedCategories(request: RecordedRequest): string[] {
  const schema = request.body.generationConfig?.responseSchema as
    | { properties?: { categories?: { items?: { properties?: { category?: { enum?: string[] } } } } } }
    | undefined;
  return schema?.properties?.categories?.items?.properties?.category?.enum ?? [];
}

export function validReply(request: RecordedRequest): Reply {
  return { kind: 'text', text: JSON.stringify({ categories: requestedCategories(request).map(fakeCategoryAnswer) }) };
}
