// Picks a Slack channel by name from the workspace's own list (#name, 🔒 when private); a pasted link or id is still taken.
"use client";

import { useId, useState, type KeyboardEvent } from "react";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { SlackChannel } from "@/lib/api/types";
import { cn } from "@/lib/utils";
import { channelIdFrom } from "./schema";

// A long workspace list is narrowed by typing; showing every match at once helps nobody.
const SHOWN = 50;

export const channelLabel = (channel: Pick<SlackChannel, "name">) => `#${channel.name}`;

function matches(channels: SlackChannel[], query: string): SlackChannel[] {
  const needle = query.trim().replace(/^#/, "").toLowerCase();
  if (!needle) return channels;
  return channels.filter((c) => c.name.toLowerCase().includes(needle) || c.id.toLowerCase() === needle);
}

/** The channel a typed text names: an exact #name, else the id in a pasted link or id. */
export function resolveChannel(channels: SlackChannel[], text: string): string {
  const name = text.trim().replace(/^#/, "").toLowerCase();
  return channels.find((c) => c.name.toLowerCase() === name)?.id ?? channelIdFrom(text);
}

export function ChannelPicker({
  id,
  label,
  value,
  onChange,
  onBlur,
  channels,
  error,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  channels: SlackChannel[];
  error?: string;
}) {
  const listId = `${useId()}-channels`;
  const [query, setQuery] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const known = channels.find((c) => c.id === value);
  const text = query ?? (known ? channelLabel(known) : value);
  const found = matches(channels, query ?? "");
  const shown = found.slice(0, SHOWN);

  const choose = (channel: SlackChannel) => {
    onChange(channel.id);
    setQuery(null);
    setOpen(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      setOpen(true);
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((current) => (shown.length ? (current + step + shown.length) % shown.length : 0));
    } else if (event.key === "Enter" && open && shown[active]) {
      event.preventDefault(); // choosing, not submitting the form
      choose(shown[active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      setOpen(false);
    }
  };

  // Wired like <Field>, which cannot be used here: the control sits in a wrapper with its list.
  const descriptionId = `${id}-description`;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <div className="relative">
        <Input
          id={id}
          aria-invalid={error ? true : undefined}
          aria-describedby={[descriptionId, errorId].filter(Boolean).join(" ")}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={open && shown[active] ? `${listId}-${shown[active].id}` : undefined}
          autoComplete="off"
          spellCheck={false}
          placeholder="#general"
          value={text}
          onFocus={() => setOpen(true)}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
            setOpen(true);
            onChange(event.target.value);
          }}
          onBlur={() => {
            if (query !== null) onChange(resolveChannel(channels, query));
            setQuery(null);
            setOpen(false);
            onBlur?.();
          }}
          onKeyDown={onKeyDown}
        />
        <ul
          id={listId}
          role="listbox"
          aria-label={`Channels for ${label}`}
          hidden={!open}
          className="absolute z-20 mt-1 max-h-64 w-full overflow-auto rounded-md border bg-popover p-1 text-sm shadow-md"
        >
          {shown.length === 0 ? (
            <li role="presentation" className="px-2 py-1.5 text-muted-foreground">
              No channel by that name; a pasted link or id is kept as it is.
            </li>
          ) : (
            shown.map((channel, index) => (
              <li
                key={channel.id}
                id={`${listId}-${channel.id}`}
                role="option"
                aria-selected={channel.id === value}
                className={cn(
                  "flex cursor-pointer items-center gap-2 rounded-sm px-2 py-1.5",
                  index === active && "bg-accent text-accent-foreground",
                )}
                // Mouse down, not click: it lands before the input's blur closes the list.
                onMouseDown={(event) => {
                  event.preventDefault();
                  choose(channel);
                }}
              >
                <span>{channelLabel(channel)}</span>
                {channel.is_private ? (
                  <span role="img" aria-label="private">
                    🔒
                  </span>
                ) : null}
                {channel.is_member ? null : <span className="text-xs text-muted-foreground">(app not added yet)</span>}
              </li>
            ))
          )}
          {found.length > SHOWN ? (
            <li role="presentation" className="px-2 py-1.5 text-xs text-muted-foreground">
              {found.length - SHOWN} more: keep typing to narrow.
            </li>
          ) : null}
        </ul>
      </div>
      <p id={descriptionId} className="text-xs text-muted-foreground">
        {channels.length} channel{channels.length === 1 ? "" : "s"} in this workspace: type to search, or paste a channel link or id.
      </p>
      {error ? (
        <p id={errorId} role="alert" className="text-xs font-medium text-destructive">
          {error}
        </p>
      ) : null}
    </div>
  );
}
