import type { ManifestNode } from './artifacts.ts';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The page of a node, relative to the site root. Tests link to the page of the node they test. */
export function nodePageHref(node: ManifestNode): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');
  switch (node.resource_type) {
    case 'source':
      return `sources/${safe(`${node.source_name}.${node.name}`)}.html`;
    case 'test':
    case 'unit_test':
      return `tests/${safe(node.name)}.html`;
    default:
      return `models/${safe(node.name)}.html`;
  }
}
