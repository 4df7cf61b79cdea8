import { describe, expect, it } from "vitest";
import { e2eEnvironment } from "@/e2e/environment";

const complete = {
  KONSTRUCT_PROXY_URL: "http://127.0.0.1:4000",
  KONSTRUCT_MASTER_KEY: "sk-master",
  E2E_ADMIN_EMAIL: "admin@example.com",
  E2E_ADMIN_PASSWORD: "pw",
  E2E_FAKE_OPENAI_URL: "http://127.0.0.1:9000",
  E2E_FAKE_SLACK_URL: "http://127.0.0.1:9001",
  AUTH_SECRET: "secret",
};

describe("the end-to-end suite's environment", () => {
  it("fails loudly, naming what is missing, instead of skipping", () => {
    expect(() => e2eEnvironment({})).toThrow(/missing: KONSTRUCT_PROXY_URL, KONSTRUCT_MASTER_KEY, E2E_ADMIN_EMAIL/);
    expect(() => e2eEnvironment({ ...complete, E2E_FAKE_OPENAI_URL: "" })).toThrow(/missing: E2E_FAKE_OPENAI_URL\./);
  });

  it("answers every variable when all are set", () => {
    expect(e2eEnvironment(complete)).toEqual({
      proxyUrl: "http://127.0.0.1:4000",
      masterKey: "sk-master",
      adminEmail: "admin@example.com",
      adminPassword: "pw",
      fakeOpenAiUrl: "http://127.0.0.1:9000",
      fakeSlackUrl: "http://127.0.0.1:9001",
      authSecret: "secret",
    });
  });
});
