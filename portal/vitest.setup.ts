// Test setup: jest-dom matchers, DOM cleanup, the network edge (MSW, tests/msw.ts), and the browser APIs Radix
// needs that jsdom lacks.
import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { received, server, unhandled } from "@/tests/msw";

beforeAll(() =>
  server.listen({
    // A request no test expected fails that test, even when the page under test shows the failure politely.
    onUnhandledRequest: (request, print) => {
      unhandled.push(`${request.method} ${new URL(request.url).pathname}`);
      print.error();
    },
  }),
);
afterEach(() => {
  cleanup();
  server.resetHandlers();
  received.length = 0;
  const unexpected = unhandled.splice(0);
  expect(unexpected, "requests no handler answered").toEqual([]);
});
afterAll(() => server.close());

// Route handler tests run in the node environment, where there is no DOM to patch.
const hasDom = typeof Element !== "undefined";

if (hasDom && !Element.prototype.hasPointerCapture) {
  Element.prototype.hasPointerCapture = () => false;
  Element.prototype.setPointerCapture = () => {};
  Element.prototype.releasePointerCapture = () => {};
}
if (hasDom && !Element.prototype.scrollIntoView) {
  Element.prototype.scrollIntoView = () => {};
}
if (!globalThis.ResizeObserver) {
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}
