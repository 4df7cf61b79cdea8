// The portal's server-side settings; the only module that reads process.env for them.
export const proxyUrl = (process.env.KONSTRUCT_PROXY_URL || "http://127.0.0.1:4000").replace(/\/+$/, "");
