// ESLint flat config: Next's core-web-vitals rules (React, hooks, jsx-a11y, import) plus its TypeScript rules.
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTypescript,
  { ignores: [".next/**", "node_modules/**", "test-results/**", "playwright-report/**", "lib/api/schema.d.ts", "next-env.d.ts"] },
];

export default config;
