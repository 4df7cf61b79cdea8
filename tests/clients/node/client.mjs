// A tenant's app on the Vercel AI SDK, pointed at the gateway: one answer and one stream
// through the default `openai(model)` (the Responses API) and through `openai.chat(model)`.
//
//   node client.mjs BASE_URL API_KEY AGENT_SLUG [responses|chat]
//
// Each argument may come from the environment instead (KONSTRUCT_BASE_URL, KONSTRUCT_API_KEY,
// KONSTRUCT_AGENT, KONSTRUCT_SDK_API); without an API named both run. KONSTRUCT_SDK_METADATA
// (a JSON object) tags every call, as `providerOptions.openai.metadata`. Prints one JSON object
// per call, one a line: {api, call, ok: true, text, finishReason, usage, responseId, ...} or
// {api, call, ok: false, error, status, body}; exits 1 when any call failed.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';

const [baseURL, apiKey, agent, only] = [
  process.argv[2] ?? process.env.KONSTRUCT_BASE_URL,
  process.argv[3] ?? process.env.KONSTRUCT_API_KEY,
  process.argv[4] ?? process.env.KONSTRUCT_AGENT,
  process.argv[5] ?? process.env.KONSTRUCT_SDK_API,
];
if (!baseURL || !apiKey || !agent || ![undefined, 'responses', 'chat'].includes(only)) {
  console.error('usage: node client.mjs BASE_URL API_KEY AGENT_SLUG [responses|chat]');
  process.exit(2);
}

const MODEL = process.env.KONSTRUCT_MODEL ?? 'konstruct-fast';
const PROMPT = 'Say hello to the team.';

const openai = createOpenAI({ baseURL, apiKey, headers: { 'X-Konstruct-Agent': agent } });
const metadata = process.env.KONSTRUCT_SDK_METADATA;
// Every failure is reported as it happened: the SDK's retries would hide it.
const settings = {
  prompt: PROMPT,
  maxRetries: 0,
  ...(metadata && { providerOptions: { openai: { metadata: JSON.parse(metadata) } } }),
};

async function generate(model) {
  const result = await generateText({ model, ...settings });
  return {
    text: result.text,
    finishReason: result.finishReason,
    usage: result.usage,
    responseId: result.response.id,
    warnings: result.warnings,
  };
}

async function stream(model) {
  let failure;
  const result = streamText({
    model,
    ...settings,
    onError: ({ error }) => {
      failure = error;
    },
  });
  const deltas = [];
  for await (const delta of result.textStream) {
    deltas.push(delta);
  }
  if (failure !== undefined) {
    throw failure;
  }
  return {
    text: deltas.join(''),
    deltas: deltas.length,
    finishReason: await result.finishReason,
    usage: await result.usage,
    responseId: (await result.response).id,
    warnings: await result.warnings,
  };
}

const calls = [
  ['responses', 'generateText', () => generate(openai(MODEL))],
  ['responses', 'streamText', () => stream(openai(MODEL))],
  ['chat', 'generateText', () => generate(openai.chat(MODEL))],
  ['chat', 'streamText', () => stream(openai.chat(MODEL))],
];

let failed = false;
for (const [api, call, run] of calls.filter(([api]) => only === undefined || api === only)) {
  try {
    console.log(JSON.stringify({ api, call, ok: true, ...(await run()) }));
  } catch (error) {
    failed = true;
    console.log(
      JSON.stringify({
        api,
        call,
        ok: false,
        error: `${error?.name}: ${error?.message}`,
        status: error?.statusCode ?? null,
        body: error?.responseBody ?? null,
      }),
    );
  }
}
process.exit(failed ? 1 : 0);
