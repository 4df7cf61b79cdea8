"""Tools a tenant registers (MCP servers, HTTP tools) and which agent gets which, how."""
