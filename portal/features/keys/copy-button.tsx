// Copies a text to the clipboard and says so.
"use client";

import { Check, Copy } from "lucide-react";
import { useState, type Ref } from "react";
import { Button } from "@/components/ui/button";

export function CopyButton({ text, label, ref }: { text: string; label: string; ref?: Ref<HTMLButtonElement> }) {
  const [copied, setCopied] = useState(false);
  const [failed, setFailed] = useState(false);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setFailed(false);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setFailed(true);
    }
  }

  return (
    <>
      <Button ref={ref} variant="outline" size="sm" onClick={copy} aria-label={copied ? `${label} copied` : label}>
        {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
        {copied ? "Copied" : "Copy"}
      </Button>
      {failed ? (
        <span role="alert" className="text-xs text-destructive">
          Copy failed; select the text and copy it by hand.
        </span>
      ) : null}
    </>
  );
}
