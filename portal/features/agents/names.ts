// Human-like default names for new agents ("hire an AI employee" reads better with a name).
const NAMES = [
  "Ava Thompson",
  "Noah Patel",
  "Maya Okafor",
  "Leo Fischer",
  "Iris Nakamura",
  "Theo Alvarez",
  "Nora Lindqvist",
  "Felix Moreau",
  "Clara Jensen",
  "Owen Castillo",
  "Lena Novak",
  "Milo Brennan",
];

/** A name no agent of the tenant has yet; `pick` chooses among the free ones (random by default). */
export function suggestAgentName(taken: readonly string[], pick: (count: number) => number = (n) => Math.floor(Math.random() * n)): string {
  const used = new Set(taken.map((name) => name.toLowerCase()));
  const free = NAMES.filter((name) => !used.has(name.toLowerCase()));
  const pool = free.length > 0 ? free : NAMES;
  return pool[pick(pool.length)] ?? NAMES[0]!;
}
