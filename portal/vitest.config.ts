// Unit and component tests: jsdom + Testing Library, Radix polyfills in vitest.setup.ts.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  oxc: { jsx: { runtime: "automatic" } },
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./vitest.setup.ts"],
    include: ["tests/**/*.test.{ts,tsx}"],
    css: false,
    // Form tests type like a person; on a busy 2-core CI machine that can take several seconds.
    testTimeout: 60_000,
  },
});
