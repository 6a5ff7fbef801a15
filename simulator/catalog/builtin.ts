import { InputError } from '../../contract/errors.ts';
import type { Scenario } from '../scenario/types.ts';
import type { CategoryVocabulary, ProductCatalog } from './types.ts';

/** The offline vocabulary for the default categories (and a generic one for any other name). */
const VOCABULARY: Record<string, CategoryVocabulary> = {
  Electronics: {
    subcategories: [
      { name: 'Audio', nouns: ['Headphones', 'Earbuds', 'Bluetooth Speaker', 'Soundbar', 'Turntable', 'Headset'] },
      { name: 'Computers', nouns: ['Laptop Stand', 'Mechanical Keyboard', 'Wireless Mouse', 'USB-C Hub', 'Monitor', 'Webcam'] },
      { name: 'Phones & Accessories', nouns: ['Phone Case', 'Charger', 'Power Bank', 'Screen Protector', 'Car Mount'] },
      { name: 'Smart Home', nouns: ['Smart Plug', 'Security Camera', 'Smart Bulb', 'Video Doorbell', 'Thermostat'] },
    ],
    brands: ['Voltra', 'Nexon', 'Auralis', 'Kivo', 'Pixelon', 'Tecsa', 'Brightwave', 'Orbix'],
    adjectives: ['Wireless', 'Compact', 'Pro', 'Ultra', 'Noise-Cancelling', 'Portable', 'Smart', 'Fast', 'Slim', 'Dual'],
    descriptions: [
      'The {name} brings {brand} engineering to everyday {subcategory}.',
      'A {adjective} {noun} built for daily use, with a two-year {brand} warranty.',
      '{brand} {noun}: {adjective} design, simple setup, reliable performance.',
    ],
  },
  'Home & Kitchen': {
    subcategories: [
      { name: 'Cookware', nouns: ['Frying Pan', 'Saucepan', 'Dutch Oven', 'Wok', 'Baking Tray'] },
      { name: 'Kitchen Tools', nouns: ['Knife Set', 'Cutting Board', 'Measuring Cups', 'Grater', 'Salad Spinner'] },
      { name: 'Small Appliances', nouns: ['Kettle', 'Toaster', 'Blender', 'Coffee Grinder', 'Hand Mixer'] },
      { name: 'Home Decor', nouns: ['Throw Pillow', 'Table Lamp', 'Wall Clock', 'Vase', 'Picture Frame'] },
    ],
    brands: ['Hearthly', 'Casa Nova', 'Kitchenry', 'Oakhaus', 'Lumen & Co', 'Mirabel'],
    adjectives: ['Stainless', 'Ceramic', 'Non-Stick', 'Classic', 'Nordic', 'Cast-Iron', 'Bamboo', 'Modern'],
    descriptions: [
      'A {adjective} {noun} from {brand}, made to last in a busy kitchen.',
      'The {name}: easy to clean and a pleasure to use.',
      '{brand} brings {adjective} style to {subcategory}.',
    ],
  },
  Clothing: {
    subcategories: [
      { name: 'Tops', nouns: ['T-Shirt', 'Hoodie', 'Sweater', 'Polo Shirt', 'Blouse'] },
      { name: 'Bottoms', nouns: ['Jeans', 'Chinos', 'Shorts', 'Joggers', 'Skirt'] },
      { name: 'Outerwear', nouns: ['Rain Jacket', 'Puffer Coat', 'Fleece', 'Windbreaker', 'Parka'] },
      { name: 'Accessories', nouns: ['Beanie', 'Scarf', 'Belt', 'Cap', 'Socks (3-Pack)'] },
    ],
    brands: ['Northloom', 'Urbanite', 'Fieldcraft', 'Mara Lane', 'Tidewear', 'Kestrel'],
    adjectives: ['Organic Cotton', 'Slim-Fit', 'Relaxed', 'Merino', 'Recycled', 'Everyday', 'Heavyweight', 'Linen'],
    descriptions: [
      'The {name}: {adjective} comfort for every day.',
      'A {brand} {noun} cut for a modern fit.',
      '{adjective} {noun} in seasonal colours, by {brand}.',
    ],
  },
  'Sports & Outdoors': {
    subcategories: [
      { name: 'Camping', nouns: ['Tent', 'Sleeping Bag', 'Camping Stove', 'Headlamp', 'Camp Chair'] },
      { name: 'Fitness', nouns: ['Yoga Mat', 'Dumbbell Set', 'Resistance Bands', 'Jump Rope', 'Foam Roller'] },
      { name: 'Cycling', nouns: ['Bike Helmet', 'Bike Light', 'Water Bottle', 'Saddle Bag', 'Bike Lock'] },
    ],
    brands: ['Summit Trail', 'Pacewell', 'Ridgeback', 'Altura', 'Trekfield'],
    adjectives: ['Lightweight', 'Waterproof', 'Ultralight', 'All-Season', 'Adjustable', 'Rugged'],
    descriptions: [
      'Take the {name} anywhere: {adjective} and trail-tested.',
      '{brand} {noun} for {subcategory}, built for the outdoors.',
    ],
  },
  Beauty: {
    subcategories: [
      { name: 'Skincare', nouns: ['Face Serum', 'Moisturiser', 'Cleanser', 'Sunscreen SPF 50', 'Eye Cream'] },
      { name: 'Hair Care', nouns: ['Shampoo', 'Conditioner', 'Hair Oil', 'Styling Cream'] },
      { name: 'Fragrance', nouns: ['Eau de Parfum', 'Body Mist', 'Scented Candle'] },
    ],
    brands: ['Lumière', 'Verdant', 'Aurea', 'Pure Botanica', 'Solene'],
    adjectives: ['Hydrating', 'Gentle', 'Vitamin C', 'Fragrance-Free', 'Nourishing', 'Revitalising'],
    descriptions: [
      'A {adjective} {noun} from {brand}, dermatologist tested.',
      'The {name} for a simple daily routine.',
    ],
  },
  'Toys & Games': {
    subcategories: [
      { name: 'Board Games', nouns: ['Strategy Game', 'Party Game', 'Card Game', 'Puzzle (1000 pcs)'] },
      { name: 'Building Sets', nouns: ['Building Kit', 'Construction Set', 'Marble Run'] },
      { name: 'Outdoor Play', nouns: ['Kite', 'Water Blaster', 'Scooter', 'Frisbee'] },
    ],
    brands: ['Playwise', 'Tinker Town', 'Funforge', 'Little Atlas'],
    adjectives: ['Classic', 'Deluxe', 'Family', 'Junior', 'Cooperative', 'Glow-in-the-Dark'],
    descriptions: [
      'Hours of fun with the {name}, for ages 6 and up.',
      'A {adjective} {noun} from {brand}: easy to learn, hard to put down.',
    ],
  },
  Books: {
    subcategories: [
      { name: 'Fiction', nouns: ['Novel', 'Short Stories', 'Thriller', 'Fantasy Saga'] },
      { name: 'Non-Fiction', nouns: ['Biography', 'History', 'Field Guide', 'Essay Collection'] },
      { name: 'Cooking', nouns: ['Cookbook', 'Baking Book', 'Recipe Journal'] },
    ],
    brands: ['Quill House', 'Harbor Press', 'Lantern Books', 'Greyfield'],
    adjectives: ['Illustrated', 'Paperback', 'Hardcover', 'Collected', 'Annotated', 'Pocket'],
    descriptions: ['An {adjective} {noun} from {brand}.', 'The {name}, a reader favourite.'],
  },
  Garden: {
    subcategories: [
      { name: 'Tools', nouns: ['Pruning Shears', 'Trowel', 'Garden Hose', 'Rake', 'Watering Can'] },
      { name: 'Planters', nouns: ['Raised Bed', 'Planter', 'Seed Tray', 'Hanging Basket'] },
      { name: 'Outdoor Living', nouns: ['Solar Lights', 'Bird Feeder', 'Garden Bench', 'Fire Pit'] },
    ],
    brands: ['Greenthumb', 'Fernwood', 'Bloomfield', 'Terra & Twig'],
    adjectives: ['Weatherproof', 'Ergonomic', 'Galvanised', 'Terracotta', 'Solar', 'Heavy-Duty'],
    descriptions: ['A {adjective} {noun} for {subcategory}, by {brand}.', 'Make the most of your garden with the {name}.'],
  },
};

function genericVocabulary(category: string): CategoryVocabulary {
  return {
    subcategories: [{ name: 'General', nouns: ['Item', 'Set', 'Kit', 'Pack', 'Bundle'] }],
    brands: ['Acme', 'Generico', 'Everyday Goods', 'Northpoint'],
    adjectives: ['Classic', 'Premium', 'Essential', 'Deluxe', 'Basic'],
    descriptions: [`A {adjective} {noun} from {brand}, in ${category}.`],
  };
}

/** The built-in, offline catalog for the scenario's categories. */
export function builtinCatalog(scenario: Scenario): ProductCatalog {
  const categories: Record<string, CategoryVocabulary> = {};
  for (const c of scenario.categories) categories[c.name] = VOCABULARY[c.name] ?? genericVocabulary(c.name);
  return { source: 'builtin', categories };
}

/** Checks that a catalog (possibly from enrichment) covers the scenario and has usable lists. */
export function validateCatalog(catalog: ProductCatalog, scenario: Scenario): void {
  for (const c of scenario.categories) {
    const v = catalog.categories[c.name];
    const where = `product catalog (${catalog.source}) category '${c.name}'`;
    if (!v) throw new InputError(`${where} is missing; accepted: a catalog with every scenario category (${scenario.categories.map((x) => x.name).join(', ')})`);
    if (!v.subcategories?.length || v.subcategories.some((s) => !s.name || !s.nouns?.length)) throw new InputError(`${where}: subcategories must be a non-empty list of {name, nouns[1+]}`);
    if (!v.brands?.length) throw new InputError(`${where}: brands must be a non-empty list`);
    if (!v.adjectives?.length) throw new InputError(`${where}: adjectives must be a non-empty list`);
    if (!Array.isArray(v.descriptions)) throw new InputError(`${where}: descriptions must be a list (possibly empty)`);
  }
}
