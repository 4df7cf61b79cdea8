// Whole API objects for tests, typed as the proxy's OpenAPI document has them.
import type { Agent } from "@/lib/api/types";

export function agent(id: string, name: string, tenantId = "t-1"): Agent {
  return {
    id,
    name,
    slug: name.toLowerCase(),
    tenant_id: tenantId,
    role: "Support",
    persona: "Warm.",
    job_description: "",
    statement_of_work: "",
    system_prompt: "",
    approver_ids: [],
    escalation_rules: [],
    is_active: true,
    is_default: false,
    model_tier: "fast",
    max_tool_steps: 4,
    turn_deadline_seconds: 60,
    created_at: "2026-11-01T00:00:00Z",
    updated_at: "2026-11-01T00:00:00Z",
  };
}
