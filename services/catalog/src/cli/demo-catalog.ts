/**
 * The demo catalog: 10 categories x 100 products, generated deterministically (no randomness, no
 * clock), so seeding twice describes exactly the same products and changes nothing the second time.
 */
export interface DemoCategory {
  name: string;
  slug: string;
  code: string;
  nouns: readonly string[];
  blurb: string;
  /** Base price in cents of the cheapest product of the category. */
  basePriceCents: number;
}

const ADJECTIVES = ['Classic', 'Compact', 'Deluxe', 'Eco', 'Essential', 'Heritage', 'Modern', 'Premium', 'Rustic', 'Travel'] as const;

export const DEMO_CATEGORIES: readonly DemoCategory[] = [
  { name: 'Kitchen', slug: 'kitchen', code: 'KIT', basePriceCents: 799, blurb: 'for everyday cooking', nouns: ['Mug', 'Teapot', 'Chef Knife', 'Cutting Board', 'Skillet', 'Saucepan', 'Whisk', 'Colander', 'Spice Rack', 'Espresso Cup'] },
  { name: 'Garden', slug: 'garden', code: 'GAR', basePriceCents: 499, blurb: 'for the garden and the balcony', nouns: ['Hose', 'Rake', 'Watering Can', 'Flower Pot', 'Seed Tray', 'Pruner', 'Trowel', 'Planter', 'Bird Feeder', 'Kneeler'] },
  { name: 'Books', slug: 'books', code: 'BOO', basePriceCents: 999, blurb: 'to read on a rainy afternoon', nouns: ['Cookbook', 'Novel', 'Atlas', 'Field Guide', 'Poetry Collection', 'Biography', 'Sketchbook', 'Journal', 'Puzzle Book', 'Travel Guide'] },
  { name: 'Audio', slug: 'audio', code: 'AUD', basePriceCents: 1999, blurb: 'for music at home and on the go', nouns: ['Headphones', 'Earbuds', 'Speaker', 'Turntable', 'Radio', 'Soundbar', 'Microphone', 'Amplifier', 'Cable', 'Headphone Stand'] },
  { name: 'Toys', slug: 'toys', code: 'TOY', basePriceCents: 599, blurb: 'for curious children', nouns: ['Puzzle', 'Building Blocks', 'Kite', 'Yo-yo', 'Train Set', 'Plush Bear', 'Board Game', 'Spinning Top', 'Marble Run', 'Card Game'] },
  { name: 'Clothing', slug: 'clothing', code: 'CLO', basePriceCents: 1499, blurb: 'made to last', nouns: ['T-shirt', 'Hoodie', 'Scarf', 'Beanie', 'Socks', 'Rain Jacket', 'Sweater', 'Cap', 'Gloves', 'Apron'] },
  { name: 'Sports', slug: 'sports', code: 'SPO', basePriceCents: 899, blurb: 'for training and play', nouns: ['Yoga Mat', 'Water Bottle', 'Jump Rope', 'Dumbbell', 'Tennis Balls', 'Resistance Band', 'Gym Bag', 'Football', 'Frisbee', 'Foam Roller'] },
  { name: 'Office', slug: 'office', code: 'OFF', basePriceCents: 299, blurb: 'for a tidy desk', nouns: ['Notebook', 'Fountain Pen', 'Desk Lamp', 'Stapler', 'Paper Tray', 'Pencil Case', 'Monitor Stand', 'Desk Mat', 'Sticky Notes', 'Planner'] },
  { name: 'Lighting', slug: 'lighting', code: 'LIG', basePriceCents: 1299, blurb: 'to light up a room', nouns: ['Floor Lamp', 'Table Lamp', 'Pendant Light', 'String Lights', 'Lantern', 'Night Light', 'Wall Sconce', 'Candle Holder', 'Reading Light', 'LED Bulb'] },
  { name: 'Bath', slug: 'bath', code: 'BAT', basePriceCents: 399, blurb: 'for a calm bathroom', nouns: ['Towel', 'Bath Mat', 'Soap Dish', 'Toothbrush Holder', 'Shower Curtain', 'Bathrobe', 'Loofah', 'Mirror', 'Laundry Basket', 'Soap Dispenser'] },
];

export interface DemoProduct {
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  initialStock: number;
}

/** A small deterministic hash (FNV-1a), so prices and stock look varied but never change between runs. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The 100 products of one category; about one in eight is out of stock, so `inStock=false` shows something. */
export function demoProducts(category: DemoCategory): DemoProduct[] {
  return ADJECTIVES.flatMap((adjective, a) =>
    category.nouns.map((noun, n) => {
      const sku = `DEMO-${category.code}-${String(a * 10 + n + 1).padStart(3, '0')}`;
      const h = hash(sku);
      const priceCents = category.basePriceCents + (h % 40) * 125 + a * 100 - 1;
      const initialStock = h % 8 === 0 ? 0 : 5 + (h % 120);
      return {
        sku,
        name: `${adjective} ${noun}`,
        description: `${/^[AEIOU]/.test(adjective) ? 'An' : 'A'} ${adjective.toLowerCase()} ${noun.toLowerCase()} ${category.blurb}.`,
        priceCents,
        initialStock,
      };
    }),
  );
}
