"""Self-tests of the network-edge fakes against the real client libraries."""
