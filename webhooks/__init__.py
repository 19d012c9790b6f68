"""Inbound and outbound webhooks (DESIGN.md §4). May import engine; engine never imports webhooks."""
