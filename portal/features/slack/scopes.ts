// Why the Slack app asks for each permission and event, in words an operator can pass on to a workspace admin.
// A scope added to the manifest later still shows, with a plain fallback.

export const SCOPE_REASONS: Record<string, string> = {
  "app_mentions:read": "See messages that @mention the app, so it answers when asked in a channel.",
  "chat:write": "Post its answers, in the thread where it was asked.",
  "im:history": "Read direct messages people send the app.",
  "im:read": "Know which direct-message conversations the app is in.",
  "im:write": "Open a direct message when someone asks it to.",
  "channels:history": "Read the follow-ups in threads it is taking part in, in public channels it was added to.",
  "channels:read": "List the public channels, so channels can be chosen by name here.",
  "groups:history": "The same in private channels it was invited to.",
  "groups:read": "List the private channels it was invited to.",
  "mpim:history": "Read group direct messages it is part of.",
  "mpim:read": "Know which group direct messages it is part of.",
  "assistant:write": "Show “is thinking…” while it works, and stream its answer as Slack’s assistant.",
  "users:read": "Know who is asking (name and time zone), and tell people from bots.",
  "reactions:write": "React to messages (for example to acknowledge a request).",
  "team:read": "Read the workspace's name and domain.",
};

export const EVENT_REASONS: Record<string, string> = {
  app_mention: "Someone @mentioned the app in a channel.",
  "message.im": "Someone wrote to the app in a direct message.",
  "message.channels": "A new message in a public channel's thread the app is in.",
  "message.groups": "The same in a private channel.",
  "message.mpim": "A message in a group direct message with the app.",
  app_uninstalled: "The app was removed: Konstruct stops using the workspace.",
  tokens_revoked: "The app's token was revoked: Konstruct stops using it.",
};

export const scopeReason = (scope: string) => SCOPE_REASONS[scope] ?? "Asked for by the app's manifest.";
export const eventReason = (event: string) => EVENT_REASONS[event] ?? "Delivered to the bridge as Slack sends it.";

/** Why a connection stopped, in words (the bridge records Slack's reason). */
export const DISABLED_REASONS: Record<string, string> = {
  app_uninstalled: "The app was uninstalled from the workspace.",
  tokens_revoked: "The workspace revoked the app's token.",
  invalid_auth: "Slack no longer accepts the bot token.",
  account_inactive: "The bot or workspace was deactivated.",
  token_revoked: "The bot token was revoked.",
  operator: "Disabled here, in the portal.",
};

export const disabledReason = (reason: string) => DISABLED_REASONS[reason] ?? reason.replaceAll("_", " ");
